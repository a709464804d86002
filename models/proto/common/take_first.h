// What a sans-I/O machine's Poll* returns: the oldest queued item, moved out, or nothing.
#pragma once

#include <deque>
#include <optional>
#include <utility>

namespace cmslab {

template <class T> std::optional<T> TakeFirst(std::deque<T>& queue) {
    if (queue.empty())
        return std::nullopt;
    std::optional<T> first(std::move(queue.front()));
    queue.pop_front();
    return first;
}

} // namespace cmslab
