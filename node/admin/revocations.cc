#include "node/admin/revocations.h"

#include <algorithm>
#include <memory>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/base/log.h"
#include "node/domain/text.h"
#include "node/security/revocation.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"

namespace pacto {
namespace {

absl::StatusOr<v1::TokenRevocation> NewRevocation(const v1::RevokeTokenRequest& request,
                                                  const Principal& who, absl::Time now) {
  v1::TokenRevocation record;
  const std::string token_id =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(request.token_id()));
  const std::string subject(absl::StripAsciiWhitespace(request.subject()));
  if (token_id.empty() == subject.empty()) {
    return absl::InvalidArgumentError("token_id: give exactly one of a token id and a subject");
  }
  record.set_token_id(token_id);
  record.set_subject(subject);
  std::string region = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(request.region()));
  if (region.empty()) region = who.region;
  if (region.empty()) {
    return absl::InvalidArgumentError("region: required when the caller has no token region");
  }
  record.set_region(region);
  PACTO_ASSIGN_OR_RETURN(*record.mutable_reason(),
                         CleanOptionalText("reason", request.reason(), kMaxNameChars));
  record.set_revoked_at(absl::ToUnixSeconds(now));
  record.set_revoked_by(who.name);
  record.set_id(RevocationId(region,
                             token_id.empty() ? RevocationKind::kSubject : RevocationKind::kTokenId,
                             token_id.empty() ? subject : token_id));
  PACTO_RETURN_IF_ERROR(ValidateRevocation(record));
  return record;
}

}  // namespace

void TokenRevocations::Revoke(const v1::RevokeTokenRequest& request, const Principal& who,
                              v1::RevokeTokenResponse* out, Done done) {
  absl::StatusOr<v1::TokenRevocation> record = NewRevocation(request, who, clock_->Now());
  if (!record.ok()) return done(record.status());
  auto work = [record = *record, out](WriteContext& ctx) -> absl::Status {
    v1::Op op;
    op.set_type(v1::RECORD_TYPE_TOKEN_REVOCATION);
    op.set_id(record.id());
    op.set_kind(v1::Op::PUT);
    op.set_value(record.SerializeAsString());
    op.set_home_region(record.region());
    PACTO_RETURN_IF_ERROR(ctx.Emit(std::move(op)));
    *out->mutable_revocation() = record;
    return absl::OkStatus();
  };
  auto logged = [record = *record, done = std::move(done)](absl::Status status) {
    if (status.ok()) {
      LogInfo("token revoked",
              {{"revocation", record.id()},
               {"target", record.token_id().empty() ? absl::StrCat("subject:", record.subject())
                                                    : absl::StrCat("token:", record.token_id())},
               {"region", record.region()},
               {"by", record.revoked_by()}});
    }
    done(status);
  };
  pipeline_->Submit(std::move(work), who.name, std::move(logged));
}

absl::StatusOr<v1::ListRevocationsResponse> TokenRevocations::List(const Principal& who) const {
  v1::ListRevocationsResponse response;
  const std::string prefix = RecordTypePrefix(v1::RECORD_TYPE_TOKEN_REVOCATION);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->records()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::TokenRevocation revocation;
    PACTO_ASSIGN_OR_RETURN(bool live, DecodeStoredWinner(ToView(it->value()), &revocation));
    if (!live || !ValidateRevocation(revocation).ok()) continue;
    if (who.kind != Principal::Kind::kDevelopment) {
      PACTO_ASSIGN_OR_RETURN(bool covers, resolver_->Covers(who.region, revocation.region()));
      if (!covers) continue;
    }
    *response.add_revocations() = std::move(revocation);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing token revocations");
  std::sort(response.mutable_revocations()->begin(), response.mutable_revocations()->end(),
            [](const v1::TokenRevocation& a, const v1::TokenRevocation& b) {
              return std::tie(a.region(), a.id()) < std::tie(b.region(), b.id());
            });
  return response;
}

}  // namespace pacto
