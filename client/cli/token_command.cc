// pacto token mint: signs a bearer token offline with the federation's Ed25519 signing
// key (node/security/token.h) and prints it alone on stdout, so that scripts can write
// TOKEN=$(pacto token mint ...); its id and what it grants go to stderr (and into
// --json). Talks to no node.
//
// pacto token revoke TOKEN_ID|--subject NAME, pacto token revocations: write and list
// the replicated revocation records (node/security/revocation.h), as an operator.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/cli/commands.h"
#include "client/cli/table.h"
#include "common/status_macros.h"
#include "node/security/ed25519.h"
#include "node/security/token.h"

namespace pacto::cli {
namespace {

// "role: ..." from the token library reads "--role: ..." on the command line.
absl::Status AsFlagError(const absl::Status& status) {
  if (status.ok() || status.code() != absl::StatusCode::kInvalidArgument) return status;
  return absl::InvalidArgumentError(absl::StrCat("--", status.message()));
}

std::string Rfc3339(int64_t seconds) {
  return absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
}

absl::Status TokenMint(CommandContext& ctx) {
  absl::Duration ttl = absl::Hours(24);
  if (ctx.args.Has("ttl") && !absl::ParseDuration(ctx.args.Get("ttl"), &ttl)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--ttl: '", ctx.args.Get("ttl"), "' is not a duration (e.g. 8h, 720h)"));
  }
  absl::StatusOr<v1::TokenClaims> claims = NewTokenClaims(
      ctx.args.Get("subject"), ctx.args.Get("role"), ctx.args.Get("region"), ttl, absl::Now());
  if (!claims.ok()) return AsFlagError(claims.status());
  PACTO_ASSIGN_OR_RETURN(Ed25519PrivateKey key,
                         Ed25519PrivateKey::FromPemFile(ctx.args.Get("signing-key")));
  v1::MintedToken minted;
  PACTO_ASSIGN_OR_RETURN(*minted.mutable_token(), MintToken(*claims, key));
  *minted.mutable_claims() = *claims;
  if (ctx.printer.format() == OutputFormat::kJson) return ctx.printer.PrintJson(minted);
  ctx.printer.out() << minted.token() << std::endl;
  ctx.err << "token " << claims->id() << " for " << claims->subject() << ": " << claims->role()
          << " of region " << claims->region() << " and below, valid until "
          << Rfc3339(claims->expires_at()) << std::endl;
  return absl::OkStatus();
}

Table RevocationsTable(const v1::ListRevocationsResponse& list) {
  Table table({"id", "revokes", "region", "reason", "revoked_at", "revoked_by"});
  for (const v1::TokenRevocation& r : list.revocations()) {
    table.AddRow({r.id(),
                  r.token_id().empty()
                      ? absl::StrCat("subject ", r.subject(), " (issued until then)")
                      : absl::StrCat("token ", r.token_id()),
                  r.region(), r.reason(), Rfc3339(r.revoked_at()), r.revoked_by()});
  }
  return table;
}

absl::Status TokenRevoke(CommandContext& ctx) {
  const bool by_id = !ctx.operands.empty();
  if (by_id == ctx.args.Has("subject")) {
    return absl::InvalidArgumentError(
        "token revoke: give either a TOKEN_ID or --subject NAME (not both)");
  }
  v1::RevokeTokenRequest request;
  if (by_id) request.set_token_id(ctx.operands[0]);
  request.set_subject(ctx.args.Get("subject"));
  request.set_reason(ctx.args.Get("reason"));
  request.set_region(ctx.args.Get("region"));
  PACTO_ASSIGN_OR_RETURN(v1::RevokeTokenResponse revoked, ctx.client.RevokeToken(request));
  if (ctx.printer.format() == OutputFormat::kJson) return ctx.printer.PrintJson(revoked);
  const v1::TokenRevocation& r = revoked.revocation();
  ctx.printer.out() << r.id() << std::endl;
  ctx.err << "revoked "
          << (r.token_id().empty() ? absl::StrCat("every token of ", r.subject(), " issued until ",
                                                  Rfc3339(r.revoked_at()))
                                   : absl::StrCat("token ", r.token_id()))
          << " for tokens of region " << r.region()
          << " and below; every node refuses them once it has synced" << std::endl;
  return absl::OkStatus();
}

absl::Status TokenRevocations(CommandContext& ctx) {
  PACTO_ASSIGN_OR_RETURN(v1::ListRevocationsResponse list,
                         ctx.client.ListRevocations(v1::ListRevocationsRequest()));
  return ctx.printer.PrintTable(RevocationsTable(list), list);
}

}  // namespace

std::vector<CommandSpec> TokenCommands() {
  return {
      {.name = "token mint",
       .usage = "--signing-key FILE --role ROLE --region CODE [--ttl DURATION] [--subject NAME]",
       .summary = "Sign a bearer token offline: ROLE is operator, enroller or reporter; it covers "
                  "region CODE's subtree; valid for --ttl (default 24h, at most 366 days); "
                  "--subject names the holder in the audit trail.",
       .required_flags = {"signing-key", "role", "region"},
       .optional_flags = {"ttl", "subject"},
       .offline = true,
       .run = TokenMint},
      {.name = "token revoke",
       .usage = "TOKEN_ID|--subject NAME [--reason R] [--region CODE]",
       .summary = "Withdraw a token by its id (mint prints it), or every token of a subject "
                  "issued until now, for tokens of region CODE's subtree (default: your "
                  "token's region). Operators only; the revocation replicates to every node.",
       .operands = {"TOKEN_ID"},
       .last_operand_optional = true,
       .optional_flags = {"subject", "reason", "region"},
       .run = TokenRevoke},
      {.name = "token revocations",
       .usage = "",
       .summary = "List the token revocations of your region's subtree: what, where, why, "
                  "when and by whom. Operators only.",
       .run = TokenRevocations},
  };
}

}  // namespace pacto::cli
