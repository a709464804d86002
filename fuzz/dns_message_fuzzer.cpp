// DNS messages (RFC 1035 4.1, EDNS RFC 6891): decode, and for every accepted message the
// round trip. Name compression is the encoder's choice, so the property is: encoding
// the decoded message (with and without compression) gives bytes that decode to the same
// message and encode to themselves again; and when the input's size equals the
// uncompressed encoding's (it used no compression pointer) the bytes are the input's.
#include "common/text.h"
#include "dns/codec.h"
#include "fuzz_support.h"

using namespace cmslab;

namespace {

Bytes EncodeOrDie(const dns::Message& m, bool compress, const char* what) {
    dns::EncodeOptions options;
    options.compress = compress;
    auto bytes = dns::EncodeMessage(m, options);
    FUZZ_CHECK(bytes.Ok(), std::string(what) + ": a decoded message does not encode: " +
                               bytes.Message() + "\n" + m.ToText());
    return std::move(*bytes);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    (void)dns::DecodeHeaderCounts(input);
    auto decoded = dns::DecodeMessage(input);
    if (!decoded)
        return 0;
    const dns::Message& m = *decoded;
    (void)m.GetEdns();
    (void)m.FullRcode();
    const std::string text = m.ToText();

    for (bool compress : {true, false}) {
        const Bytes encoded = EncodeOrDie(m, compress, compress ? "compressed" : "uncompressed");
        auto again = dns::DecodeMessage(encoded);
        FUZZ_CHECK(again.Ok(), "re-encoded message refused: " + again.Message());
        // Compression points a name at an earlier one that is equal ignoring case (DNS names
        // are, RFC 4343), as BIND does, so the name may come back in the earlier one's case
        // (found by this target: "local" after "locAl"); uncompressed, the text is exact.
        const std::string back = again->ToText();
        FUZZ_CHECK(compress ? EqualsIgnoreAsciiCase(back, text) : back == text,
                   "round trip changed the message:\n" + text + "\n---\n" + back);
        FUZZ_CHECK(EncodeOrDie(*again, compress, "second") == encoded,
                   "encode is not a fixed point");
        if (!compress && encoded.size() == size)
            FUZZ_CHECK(encoded == input.ToBytes(),
                       "uncompressed round trip changed bytes: " + fuzz::Hex(input) + " -> " +
                           fuzz::Hex(encoded));
    }
    return 0;
}
