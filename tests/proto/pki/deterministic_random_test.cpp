// Same seed, same keys and certificates, byte for byte; another seed, other bytes.
#include "pki/deterministic_random.h"

#include <gtest/gtest.h>

#include <thread>

#include <openssl/rand.h>

#include "pki/certificate_authority.h"

using namespace cmslab;
using namespace cmslab::pki;

namespace {

struct Issued {
    Bytes ca_cert, ca_key, leaf_cert, leaf_key, self_cert, self_key;
};

Issued IssueAll(std::uint64_t seed, KeyType key_type = KeyType::EcdsaP256) {
    Rng rng(seed);
    CaProfile ca_profile;
    ca_profile.subject.common_name = "Lab Root";
    ca_profile.not_before = *ParseUtc("2017-05-20T00:00:00Z");
    ca_profile.not_after = *ParseUtc("2027-05-20T00:00:00Z");
    ca_profile.key_type = key_type;
    auto ca = CertificateAuthority::CreateRoot(ca_profile, rng);
    EXPECT_TRUE(ca.Ok());
    CertificateProfile leaf_profile;
    leaf_profile.subject.common_name = "cmsweb.example.com";
    leaf_profile.dns_names = {"cmsweb.example.com"};
    leaf_profile.not_before = ca_profile.not_before;
    leaf_profile.not_after = ca_profile.not_after;
    leaf_profile.key_type = key_type;
    auto leaf = ca->Issue(leaf_profile, rng);
    auto self = CreateSelfSigned(leaf_profile, rng);
    EXPECT_TRUE(leaf.Ok());
    EXPECT_TRUE(self.Ok());
    return {ca->Cert().ToDer(), ca->Key().ToDer(),         leaf->certificate.ToDer(),
            leaf->key.ToDer(),  self->certificate.ToDer(), self->key.ToDer()};
}

Bytes Draw(std::size_t n) {
    Bytes out(n);
    EXPECT_EQ(RAND_bytes(out.data(), static_cast<int>(n)), 1);
    return out;
}

} // namespace

TEST(DeterministicRandom, SameSeedGivesByteIdenticalCertificatesAndKeys) {
    const Issued a = IssueAll(20170520);
    const Issued b = IssueAll(20170520);
    EXPECT_FALSE(a.ca_cert.empty());
    EXPECT_EQ(a.ca_cert, b.ca_cert);
    EXPECT_EQ(a.ca_key, b.ca_key);
    EXPECT_EQ(a.leaf_cert, b.leaf_cert);
    EXPECT_EQ(a.leaf_key, b.leaf_key);
    EXPECT_EQ(a.self_cert, b.self_cert);
    EXPECT_EQ(a.self_key, b.self_key);
}

TEST(DeterministicRandom, OtherSeedGivesOtherCertificatesAndKeys) {
    const Issued a = IssueAll(1);
    const Issued b = IssueAll(2);
    EXPECT_NE(a.ca_cert, b.ca_cert);
    EXPECT_NE(a.ca_key, b.ca_key);
    EXPECT_NE(a.leaf_cert, b.leaf_cert);
    EXPECT_NE(a.leaf_key, b.leaf_key);
    EXPECT_NE(a.self_key, b.self_key);
}

TEST(DeterministicRandom, RsaKeysAreDeterministicToo) {
    Rng a(5), b(5), c(6);
    auto ka = PrivateKey::Generate(KeyType::Rsa2048, a);
    auto kb = PrivateKey::Generate(KeyType::Rsa2048, b);
    auto kc = PrivateKey::Generate(KeyType::Rsa2048, c);
    ASSERT_TRUE(ka.Ok() && kb.Ok() && kc.Ok());
    EXPECT_EQ(ka->ToDer(), kb->ToDer());
    EXPECT_NE(ka->ToDer(), kc->ToDer());
}

TEST(DeterministicRandom, ProcessWideGuardFeedsOpensslAndRestoresTheDefault) {
    EXPECT_FALSE(DeterministicRandomInstalled());
    Bytes first, second;
    {
        DeterministicRandom guard(77);
        EXPECT_TRUE(DeterministicRandomInstalled());
        first = Draw(32);
    }
    EXPECT_FALSE(DeterministicRandomInstalled());
    {
        DeterministicRandom guard(77);
        second = Draw(32);
    }
    EXPECT_EQ(first, second);
    // The bytes are the Rng's own stream.
    Rng reference(77);
    Bytes expected(32);
    reference.Fill(expected.data(), expected.size());
    EXPECT_EQ(first, expected);
    // Outside any guard OpenSSL's own generator answers again: two draws differ and
    // neither is the seeded stream.
    const Bytes x = Draw(32), y = Draw(32);
    EXPECT_NE(x, y);
    EXPECT_NE(x, first);
}

TEST(DeterministicRandom, ScopesNestAndTheInnermostWins) {
    DeterministicRandom guard(1);
    Rng outer(10), inner(20);
    Rng outer_ref(10), inner_ref(20), guard_ref(1);
    Bytes want(8);
    {
        RandomScope a(outer);
        outer_ref.Fill(want.data(), 8);
        EXPECT_EQ(Draw(8), want);
        {
            RandomScope b(inner);
            inner_ref.Fill(want.data(), 8);
            EXPECT_EQ(Draw(8), want);
        }
        outer_ref.Fill(want.data(), 8);
        EXPECT_EQ(Draw(8), want);
    }
    guard_ref.Fill(want.data(), 8);
    EXPECT_EQ(Draw(8), want);
}

TEST(DeterministicRandom, ScopeBelongsToItsThread) {
    DeterministicRandom guard(3);
    Rng mine(30);
    RandomScope scope(mine);
    Bytes other_thread;
    std::thread t([&] { other_thread = Draw(16); });
    t.join();
    Rng guard_ref(3);
    Bytes want(16);
    guard_ref.Fill(want.data(), want.size());
    EXPECT_EQ(other_thread, want);
    Rng mine_ref(30);
    mine_ref.Fill(want.data(), want.size());
    EXPECT_EQ(Draw(16), want);
}

TEST(DeterministicRandom, KeysDependOnlyOnTheRngHandedIn) {
    // Draws elsewhere in the process (here a process-wide guard consumed in between)
    // do not move a key generated from its own stream.
    Rng a(9), b(9);
    auto ka = PrivateKey::Generate(KeyType::EcdsaP256, a);
    {
        DeterministicRandom guard(4);
        Draw(100);
    }
    Draw(100);
    auto kb = PrivateKey::Generate(KeyType::EcdsaP256, b);
    ASSERT_TRUE(ka.Ok() && kb.Ok());
    EXPECT_EQ(ka->ToDer(), kb->ToDer());
}
