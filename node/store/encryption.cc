#include "node/store/encryption.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env_encryption.h"

namespace pacto {
namespace {

constexpr char kKeyCheckFile[] = "ENCRYPTION";
constexpr char kKeyCheckMagic[] = "pacto-encryption-v1";

// AES-256 on one 16-byte block: what RocksDB's counter-mode provider asks of a cipher.
class Aes256BlockCipher : public rocksdb::BlockCipher {
 public:
  explicit Aes256BlockCipher(const std::string& key)
      : encrypt_(EVP_CIPHER_CTX_new()), decrypt_(EVP_CIPHER_CTX_new()) {
    const auto* k = reinterpret_cast<const unsigned char*>(key.data());
    EVP_EncryptInit_ex(encrypt_, EVP_aes_256_ecb(), nullptr, k, nullptr);
    EVP_CIPHER_CTX_set_padding(encrypt_, 0);
    EVP_DecryptInit_ex(decrypt_, EVP_aes_256_ecb(), nullptr, k, nullptr);
    EVP_CIPHER_CTX_set_padding(decrypt_, 0);
  }
  ~Aes256BlockCipher() override {
    EVP_CIPHER_CTX_free(encrypt_);
    EVP_CIPHER_CTX_free(decrypt_);
  }

  const char* Name() const override { return "PactoAES256"; }
  size_t BlockSize() override { return 16; }
  rocksdb::Status Encrypt(char* data) override { return Run(encrypt_, data); }
  rocksdb::Status Decrypt(char* data) override { return Run(decrypt_, data); }

 private:
  // The contexts are reused for speed; RocksDB calls a cipher from many threads.
  rocksdb::Status Run(EVP_CIPHER_CTX* ctx, char* data) {
    absl::MutexLock lock(&mu_);
    unsigned char out[32];
    int len = 0;
    if (EVP_CipherUpdate(ctx, out, &len, reinterpret_cast<unsigned char*>(data), 16) != 1 ||
        len != 16) {
      return rocksdb::Status::IOError("AES block operation failed");
    }
    memcpy(data, out, 16);
    return rocksdb::Status::OK();
  }

  absl::Mutex mu_;
  // The pointers are constant; the cipher state behind them is used under mu_.
  EVP_CIPHER_CTX* const encrypt_ ABSL_PT_GUARDED_BY(mu_);
  EVP_CIPHER_CTX* const decrypt_ ABSL_PT_GUARDED_BY(mu_);
};

std::string KeyCheck(const std::string& key, const std::string& salt) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const std::string message = absl::StrCat(kKeyCheckMagic, salt);
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(mac), len));
}

}  // namespace

absl::StatusOr<std::string> ReadEncryptionKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(absl::StrCat("--encryption-key-file: cannot read ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.size() == kEncryptionKeyBytes) return text;
  std::string trimmed(absl::StripAsciiWhitespace(text));
  if (trimmed.size() == 2 * kEncryptionKeyBytes) {
    bool hex = true;
    for (char c : trimmed) hex &= absl::ascii_isxdigit(static_cast<unsigned char>(c));
    if (hex) return absl::HexStringToBytes(trimmed);
  }
  return absl::FailedPreconditionError(
      absl::StrCat("--encryption-key-file: ", path,
                   " must hold 32 raw bytes or 64 hex digits (e.g. "
                   "`openssl rand -hex 32 > ",
                   path, "`)"));
}

absl::Status CheckDataDirKey(const std::string& data_dir, const std::string& key, bool dir_is_new) {
  const std::string path = absl::StrCat(data_dir, "/", kKeyCheckFile);
  std::error_code ec;
  const bool marked = std::filesystem::exists(path, ec);
  if (!marked) {
    if (key.empty()) return absl::OkStatus();  // plaintext, as it always was
    if (!dir_is_new) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data dir ", data_dir,
          " holds unencrypted data; an encryption key cannot be added to it (start without "
          "--encryption-key-file, or restore a backup into a new encrypted dir)"));
    }
    std::filesystem::create_directories(data_dir, ec);
    unsigned char salt_bytes[16];
    RAND_bytes(salt_bytes, sizeof(salt_bytes));
    const std::string salt = absl::BytesToHexString(
        absl::string_view(reinterpret_cast<char*>(salt_bytes), sizeof(salt_bytes)));
    std::ofstream out(path, std::ios::trunc);
    out << kKeyCheckMagic << "\n" << salt << "\n" << KeyCheck(key, salt) << "\n";
    out.close();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
    return absl::OkStatus();
  }
  if (key.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data dir ", data_dir, " is encrypted; give its key with --encryption-key-file"));
  }
  std::ifstream in(path);
  std::string magic, salt, check;
  std::getline(in, magic);
  std::getline(in, salt);
  std::getline(in, check);
  if (magic != kKeyCheckMagic || salt.empty() || check.empty()) {
    return absl::DataLossError(absl::StrCat(path, " is damaged"));
  }
  if (KeyCheck(key, salt) != check) {
    return absl::PermissionDeniedError(absl::StrCat("the encryption key does not match data dir ",
                                                    data_dir, "; nothing was read or changed"));
  }
  return absl::OkStatus();
}

std::unique_ptr<rocksdb::Env> NewEncryptedEnvironment(rocksdb::Env* base, const std::string& key) {
  auto cipher = std::make_shared<Aes256BlockCipher>(key);
  std::shared_ptr<rocksdb::EncryptionProvider> provider =
      rocksdb::EncryptionProvider::NewCTRProvider(cipher);
  return std::unique_ptr<rocksdb::Env>(rocksdb::NewEncryptedEnv(base, provider));
}

}  // namespace pacto
