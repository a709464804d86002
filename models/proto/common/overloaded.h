// One visitor from several lambdas, for std::visit: a variant alternative without its
// own overload does not compile, which a `default` or a generic lambda would hide.
#pragma once

namespace cmslab {

template <class... Fs> struct Overloaded : Fs... { using Fs::operator()...; };
template <class... Fs> Overloaded(Fs...) -> Overloaded<Fs...>;

} // namespace cmslab
