// Fuzz target: page tokens (node/registry/pagination.h), which any caller of a list
// call hands back to the node.
//
// Input: one byte choosing the query a token is checked against (of kQueries), then
// the token's bytes. Checks the contract: Decode never crashes, and fails only with
// INVALID_ARGUMENT naming page_token; a token that decodes for one query decodes for
// no other; any token decodes back to the key it was made from, and altering any one
// of its characters makes it fail; the query binding ignores page_token and page_size
// and nothing else. The seeds (corpus/page_token/) are tokens made with kSecret.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "node/registry/pagination.h"
#include "pacto/v1/registry.pb.h"

namespace pacto {
namespace {

// Also in make_seeds.cc.
constexpr char kSecret[] = "fuzz page token secret, 32 bytes";
constexpr const char* kQueries[] = {"regions", "chapters LPZ", "chapters ORU", "members ch-1"};
constexpr size_t kQueryCount = sizeof(kQueries) / sizeof(kQueries[0]);

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "page_token_fuzzer: %s\n", what.c_str());
  std::abort();
}

void Expect(bool condition, const std::string& what) {
  if (!condition) Fail(what);
}

void ExpectRefused(const absl::StatusOr<std::string>& decoded, const std::string& what) {
  Expect(!decoded.ok(), what);
  Expect(decoded.status().code() == absl::StatusCode::kInvalidArgument &&
             absl::StartsWith(decoded.status().message(), "page_token: "),
         absl::StrCat(what, ": answered ", decoded.status().ToString()));
}

void CheckQueryBinding(const std::string& input) {
  // A request's strings are UTF-8 (the node parsed it): escape the raw input.
  const std::string bytes = absl::CHexEscape(input);
  v1::ListChaptersRequest a;
  a.set_region(bytes);
  v1::ListChaptersRequest paged = a;
  paged.set_page_token(bytes);
  paged.set_page_size(static_cast<int>(bytes.size()));
  Expect(PageQuery(a, "p") == PageQuery(paged, "p"), "page_token or page_size is bound");
  v1::ListChaptersRequest other = a;
  other.set_level(bytes + "x");
  Expect(PageQuery(a, "p") != PageQuery(other, "p"), "a filter is not bound");
  Expect(PageQuery(a, "p") != PageQuery(a, "q"), "the scan is not bound");
  v1::ListRegionsRequest regions;
  Expect(PageQuery(regions, "p") != PageQuery(v1::ListChaptersRequest(), "p"),
         "the method is not bound");
}

}  // namespace
}  // namespace pacto

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pacto;
  if (size == 0) return 0;
  const PageTokens tokens{std::string(kSecret)};
  const size_t chosen = data[0] % kQueryCount;
  const std::string token(reinterpret_cast<const char*>(data + 1), size - 1);

  absl::StatusOr<std::string> key = tokens.Decode(kQueries[chosen], token);
  if (key.ok()) {
    for (size_t q = 0; q < kQueryCount; ++q) {
      if (q == chosen) continue;
      ExpectRefused(tokens.Decode(kQueries[q], token), "a token pages another query");
    }
  } else {
    ExpectRefused(key, "a bad token");
  }

  // The input as a key: its token round-trips, is bound to its query, and is
  // tamper-evident character by character (a sample of positions).
  const std::string minted = tokens.Encode(kQueries[chosen], token);
  absl::StatusOr<std::string> back = tokens.Decode(kQueries[chosen], minted);
  Expect(back.ok() && *back == token, "a token does not give back its key");
  ExpectRefused(tokens.Decode(kQueries[(chosen + 1) % kQueryCount], minted),
                "a minted token pages another query");
  for (size_t i = 0; i < minted.size(); i += 1 + minted.size() / 16) {
    std::string altered = minted;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    ExpectRefused(tokens.Decode(kQueries[chosen], altered), "an altered token was accepted");
  }
  CheckQueryBinding(token);
  return 0;
}
