// A value or an error message: what a decoder or a state machine step gives back.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace cmslab {

struct Error {
    std::string message;
};

template <class T> class Expected {
  public:
    Expected(T value) : m_v(std::in_place_index<0>, std::move(value)) {} // NOLINT: implicit
    Expected(Error error) : m_v(std::in_place_index<1>, std::move(error)) {} // NOLINT: implicit

    bool Ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return Ok(); }

    T& Value() { return std::get<0>(m_v); }
    const T& Value() const { return std::get<0>(m_v); }
    T& operator*() { return Value(); }
    const T& operator*() const { return Value(); }
    T* operator->() { return &Value(); }
    const T* operator->() const { return &Value(); }

    const Error& Err() const { return std::get<1>(m_v); }
    const std::string& Message() const { return Err().message; }

  private:
    std::variant<T, Error> m_v;
};

} // namespace cmslab
