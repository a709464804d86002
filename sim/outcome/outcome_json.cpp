#include "outcome/outcome.h"

#include <cmath>

namespace cmslab::outcome {

nlohmann::ordered_json StagesJson(const std::array<StageRecord, 11>& stages) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const StageRecord& record : stages) {
        nlohmann::ordered_json entry;
        entry["status"] = StageStatusName(record.status);
        if (record.status == StageStatus::NotReached)
            entry["t_ms"] = nullptr;
        else
            entry["t_ms"] = record.TimeMs();
        entry["detail"] = record.detail;
        out[StageKey(record.stage)] = std::move(entry);
    }
    return out;
}

nlohmann::ordered_json GuestViewJson(const GuestView& view) {
    nlohmann::ordered_json out;
    out["screen"] = ScreenName(view.screen);
    out["url"] = view.url;
    out["security"] = view.security;
    out["title"] = view.title;
    out["text"] = view.text;
    out["error_code"] = view.error_code;
    out["buttons"] = view.buttons;
    // Only the web app's forms have these; other screens' JSON stays as it was.
    if (!view.fields.empty())
        out["fields"] = view.fields;
    if (!view.links.empty())
        out["links"] = view.links;
    return out;
}

nlohmann::ordered_json MediaJson(const MediaCounters& media) {
    auto direction = [](const MediaDirection& d) {
        nlohmann::ordered_json out;
        out["packets"] = d.packets;
        out["bytes"] = d.bytes;
        return out;
    };
    nlohmann::ordered_json out;
    out["protection"] = media.protection;
    out["sent"] = direction(media.sent);
    out["received"] = direction(media.received);
    if (media.reception.expected > 0) {
        nlohmann::ordered_json r;
        r["expected"] = media.reception.expected;
        r["lost"] = media.reception.lost;
        r["loss_percent"] = std::round(media.reception.LossPercent() * 100) / 100;
        r["jitter_ms"] = std::round(media.reception.jitter_ms * 100) / 100;
        out["reception"] = r;
    }
    if (media.round_trip.samples > 0)
        out["round_trip"] = {{"samples", media.round_trip.samples},
                             {"mean_ms", media.round_trip.mean_ms},
                             {"max_ms", media.round_trip.max_ms}};
    return out;
}

namespace {

Expected<std::string> StringField(const nlohmann::json& object, const char* key,
                                  const std::string& where) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return Error{where + "." + key + ": expected a string"};
    return it->get<std::string>();
}

Expected<MediaDirection> DirectionFrom(const nlohmann::json& object, const std::string& where) {
    if (!object.is_object())
        return Error{where + ": expected an object"};
    MediaDirection d;
    for (const char* key : {"packets", "bytes"}) {
        auto it = object.find(key);
        if (it == object.end() || !it->is_number_unsigned())
            return Error{where + "." + key + ": expected a whole number"};
        (std::string(key) == "packets" ? d.packets : d.bytes) = it->get<std::uint64_t>();
    }
    return d;
}

} // namespace

Expected<Outcome> OutcomeFromJson(const nlohmann::json& summary) {
    if (!summary.is_object())
        return Error{"summary: expected an object"};
    Outcome outcome;

    auto stages = summary.find("stages");
    if (stages == summary.end() || !stages->is_object())
        return Error{"stages: expected an object"};
    for (Stage stage : kAllStages) {
        const std::string where = std::string("stages.") + StageKey(stage);
        auto entry = stages->find(StageKey(stage));
        if (entry == stages->end() || !entry->is_object())
            return Error{where + ": missing"};
        StageRecord& record = outcome.stages[static_cast<std::size_t>(stage)];
        auto status_text = StringField(*entry, "status", where);
        if (!status_text)
            return status_text.Err();
        auto status = StageStatusFromName(*status_text);
        if (!status)
            return Error{where + ".status: unknown status '" + *status_text + "'"};
        record.status = *status;
        auto t = entry->find("t_ms");
        if (record.status != StageStatus::NotReached) {
            if (t == entry->end() || !t->is_number() || !std::isfinite(t->get<double>()) ||
                t->get<double>() < 0 || t->get<double>() > 1e15)
                return Error{where + ".t_ms: expected a time in milliseconds"};
            const auto us = std::llround(t->get<double>() * 1000.0);
            record.at = std::chrono::microseconds(us);
        }
        auto detail = StringField(*entry, "detail", where);
        if (!detail)
            return detail.Err();
        record.detail = *detail;
    }

    auto view = summary.find("guest_view");
    if (view == summary.end() || !view->is_object())
        return Error{"guest_view: expected an object"};
    auto screen_text = StringField(*view, "screen", "guest_view");
    if (!screen_text)
        return screen_text.Err();
    auto screen = ScreenFromName(*screen_text);
    if (!screen)
        return Error{"guest_view.screen: unknown screen '" + *screen_text + "'"};
    GuestView& g = outcome.guest_view;
    g.screen = *screen;
    struct {
        const char* key;
        std::string* field;
    } fields[] = {{"url", &g.url},
                  {"security", &g.security},
                  {"title", &g.title},
                  {"text", &g.text},
                  {"error_code", &g.error_code}};
    for (auto& f : fields) {
        auto value = StringField(*view, f.key, "guest_view");
        if (!value)
            return value.Err();
        *f.field = *value;
    }
    // buttons is always there; fields and links only on the web app's forms.
    struct List {
        const char* key;
        std::vector<std::string>* list;
        bool required;
    } lists[] = {
        {"buttons", &g.buttons, true}, {"fields", &g.fields, false}, {"links", &g.links, false}};
    for (const List& l : lists) {
        auto it = view->find(l.key);
        if (it == view->end() && !l.required)
            continue;
        if (it == view->end() || !it->is_array())
            return Error{std::string("guest_view.") + l.key + ": expected an array"};
        for (const auto& item : *it) {
            if (!item.is_string())
                return Error{std::string("guest_view.") + l.key + ": expected strings"};
            l.list->push_back(item.get<std::string>());
        }
    }

    auto media = summary.find("media");
    if (media == summary.end() || !media->is_object())
        return Error{"media: expected an object"};
    auto protection = StringField(*media, "protection", "media");
    if (!protection)
        return protection.Err();
    outcome.media.protection = *protection;
    for (const char* way : {"sent", "received"}) {
        auto it = media->find(way);
        if (it == media->end())
            return Error{std::string("media.") + way + ": missing"};
        auto d = DirectionFrom(*it, std::string("media.") + way);
        if (!d)
            return d.Err();
        (std::string(way) == "sent" ? outcome.media.sent : outcome.media.received) = *d;
    }
    if (auto r = media->find("reception"); r != media->end()) {
        if (!r->is_object() || !r->value("expected", nlohmann::json()).is_number_unsigned() ||
            !r->value("lost", nlohmann::json()).is_number_integer() ||
            !r->value("jitter_ms", nlohmann::json()).is_number())
            return Error{"media.reception: expected expected, lost and jitter_ms"};
        outcome.media.reception.expected = (*r)["expected"].get<std::uint64_t>();
        outcome.media.reception.lost = (*r)["lost"].get<std::int64_t>();
        outcome.media.reception.jitter_ms = (*r)["jitter_ms"].get<double>();
    }
    if (auto r = media->find("round_trip"); r != media->end()) {
        if (!r->is_object() || !r->value("samples", nlohmann::json()).is_number_unsigned() ||
            !r->value("mean_ms", nlohmann::json()).is_number() ||
            !r->value("max_ms", nlohmann::json()).is_number())
            return Error{"media.round_trip: expected samples, mean_ms and max_ms"};
        outcome.media.round_trip.samples = (*r)["samples"].get<std::uint32_t>();
        outcome.media.round_trip.mean_ms = (*r)["mean_ms"].get<double>();
        outcome.media.round_trip.max_ms = (*r)["max_ms"].get<double>();
    }
    return outcome;
}

} // namespace cmslab::outcome
