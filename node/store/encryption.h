// Encryption at rest (DESIGN §6): every file RocksDB writes for a data dir — WAL,
// SST, MANIFEST — goes through RocksDB's encrypted environment in counter mode, with
// AES-256 (OpenSSL) as the block cipher, so a seized disk shows no names. (RocksDB's
// info LOG is not encrypted; it holds options and statistics, never records.)
//
// A small ENCRYPTION file beside the data records which key the dir was made with
// (a keyed hash, not the key), so a wrong key is refused before RocksDB touches
// anything, a plaintext dir is never opened as encrypted, and the other way round.
#ifndef PACTO_NODE_STORE_ENCRYPTION_H_
#define PACTO_NODE_STORE_ENCRYPTION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rocksdb/env.h"

namespace pacto {

inline constexpr size_t kEncryptionKeyBytes = 32;

// Reads a key file: 32 raw bytes or 64 hex digits (whitespace trimmed).
absl::StatusOr<std::string> ReadEncryptionKey(const std::string& path);

// Checks `key` against the data dir's ENCRYPTION file, creating the file when the dir
// is new (`dir_is_new`). Refuses a wrong key, a key for a plaintext dir, and a dir
// that is encrypted but got no key (empty `key`), each with a clear message.
absl::Status CheckDataDirKey(const std::string& data_dir, const std::string& key, bool dir_is_new);

// An Env over `base` that encrypts every file. `key` must be kEncryptionKeyBytes.
std::unique_ptr<rocksdb::Env> NewEncryptedEnvironment(rocksdb::Env* base, const std::string& key);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_ENCRYPTION_H_
