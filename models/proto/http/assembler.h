// Folds parser events into whole messages, for owners that handle a request or a
// response at once rather than streaming its body. The parser's limits still bound
// what is gathered.
#pragma once

#include "http/message.h"
#include "http/parser.h"

#include <optional>

namespace cmslab::http {

template <class Message, class Head> class Assembler {
  public:
    // Give every event in order; the message comes back at its EndOfMessage.
    std::optional<Message> Add(const Event& event) {
        if (const auto* head = std::get_if<Head>(&event)) {
            m_message = Message{};
            static_cast<Head&>(m_message) = *head;
            m_open = true;
        } else if (const auto* data = std::get_if<Data>(&event)) {
            if (m_open)
                m_message.body.insert(m_message.body.end(), data->data.begin(), data->data.end());
        } else if (const auto* end = std::get_if<EndOfMessage>(&event)) {
            if (m_open) {
                m_open = false;
                m_message.trailers = end->trailers;
                return std::move(m_message);
            }
        }
        return std::nullopt;
    }

    // Whether a head arrived and its message is not complete yet.
    bool InMessage() const { return m_open; }

  private:
    Message m_message;
    bool m_open = false;
};

using RequestAssembler = Assembler<Request, RequestHead>;
using ResponseAssembler = Assembler<Response, ResponseHead>;

} // namespace cmslab::http
