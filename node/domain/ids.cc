#include "node/domain/ids.h"

#include <openssl/rand.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace pacto {
namespace {

constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

}  // namespace

std::string IdFromBytes(absl::string_view prefix, absl::string_view bytes) {
  std::string out = absl::StrCat(prefix, "-");
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

namespace {

absl::Mutex generator_mu;
std::function<std::string(absl::string_view)>* test_generator ABSL_GUARDED_BY(generator_mu) =
    nullptr;
std::atomic<bool> has_test_generator{false};

constexpr size_t kIdBytes = 10;

// Random bytes for ids, drawn from OpenSSL's generator a few kilobytes at a time: one
// RAND_bytes call per id cost more than the rest of an enrolment's id handling (the
// generator's per-call locking, fork check and reseed bookkeeping). Per thread, so
// no lock; a process that forks and goes on making ids without exec would repeat the
// parent's unused bytes, which no pacto binary does.
void RandomIdBytes(unsigned char* out) {
  thread_local unsigned char pool[kIdBytes * 256];
  thread_local size_t used = sizeof(pool);
  if (used == sizeof(pool)) {
    if (RAND_bytes(pool, sizeof(pool)) != 1) {
      // Without randomness ids could collide across nodes; refuse to go on.
      std::abort();
    }
    used = 0;
  }
  std::memcpy(out, pool + used, kIdBytes);
  used += kIdBytes;
}

}  // namespace

void SetIdGeneratorForTest(std::function<std::string(absl::string_view prefix)> generator) {
  absl::MutexLock lock(&generator_mu);
  delete test_generator;
  test_generator =
      generator ? new std::function<std::string(absl::string_view)>(std::move(generator)) : nullptr;
  has_test_generator.store(test_generator != nullptr, std::memory_order_release);
}

std::string NewId(absl::string_view prefix) {
  if (has_test_generator.load(std::memory_order_acquire)) {
    absl::MutexLock lock(&generator_mu);
    if (test_generator != nullptr) return (*test_generator)(prefix);
  }
  unsigned char bytes[kIdBytes];
  RandomIdBytes(bytes);
  return IdFromBytes(prefix, absl::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
}

absl::Status ValidateIdSyntax(absl::string_view field, absl::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": must not be empty"));
  if (id.size() > 64) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than 64 characters"));
  }
  for (char c : id) {
    if (c <= ' ' || c > '~') {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must be printable ASCII without spaces"));
    }
  }
  return absl::OkStatus();
}

}  // namespace pacto
