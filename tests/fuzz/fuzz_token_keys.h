// An Ed25519 key pair for token fuzzing and its seed corpus only; never a real key.
#ifndef PACTO_TESTS_FUZZ_FUZZ_TOKEN_KEYS_H_
#define PACTO_TESTS_FUZZ_FUZZ_TOKEN_KEYS_H_

namespace pacto {

inline constexpr char kFuzzTokenPrivateKeyPem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIMwjZol7b2sy8bPW51P/CS3bxnJwOrSsSbYpnkcUSjlC\n"
    "-----END PRIVATE KEY-----\n";

inline constexpr char kFuzzTokenPublicKeyPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAhyTH1Z7anx5bRtV9zsu89tgRkNeVFs9KcttUtfq8dyA=\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace pacto

#endif  // PACTO_TESTS_FUZZ_FUZZ_TOKEN_KEYS_H_
