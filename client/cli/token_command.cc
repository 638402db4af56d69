// pacto token mint: signs a bearer token offline with the federation's Ed25519 signing
// key (node/security/token.h) and prints it alone on stdout, so that scripts can write
// TOKEN=$(pacto token mint ...); what it grants goes to stderr. Talks to no node.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/cli/commands.h"
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
  ctx.err << "token for " << claims->subject() << ": " << claims->role() << " of region "
          << claims->region() << " and below, valid until " << Rfc3339(claims->expires_at())
          << std::endl;
  return absl::OkStatus();
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
  };
}

}  // namespace pacto::cli
