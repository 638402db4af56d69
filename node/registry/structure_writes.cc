// Registry writes of the federation's structure: regions, chapters, affiliations.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/english.h"
#include "common/status_macros.h"
#include "node/domain/dates.h"
#include "node/domain/ids.h"
#include "node/domain/levels.h"
#include "node/domain/text.h"
#include "node/registry/lookups.h"
#include "node/registry/record_writer.h"
#include "node/registry/registry.h"

namespace pacto {
namespace {

constexpr size_t kMaxSectorChars = 80;

absl::StatusOr<std::string> CleanRegionCode(absl::string_view field, absl::string_view raw) {
  std::string code = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(raw));
  if (code.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": must not be empty"));
  if (code.size() > 16) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than 16 characters"));
  }
  for (char c : code) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": only letters, digits and '-' are allowed"));
    }
  }
  return code;
}

absl::StatusOr<std::string> OptionalDate(absl::string_view field, absl::string_view raw,
                                         absl::CivilDay today) {
  if (raw.empty()) return std::string();
  PACTO_ASSIGN_OR_RETURN(absl::CivilDay day, ParsePastDate(field, raw, today));
  return FormatDate(day);
}

// Checks that `parent` may become `child`'s active parent.
absl::Status CheckAffiliation(WriteTxn& txn, const v1::Chapter& child, const std::string& parent_id,
                              absl::string_view field) {
  PACTO_ASSIGN_OR_RETURN(
      v1::Chapter parent,
      LoadLive<v1::Chapter>(txn, v1::RECORD_TYPE_CHAPTER, parent_id, field, Ref::kReferenced));
  if (ChapterLevelRank(parent.level()) <= ChapterLevelRank(child.level())) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": ", WithArticle(child.level()), " cannot affiliate to ",
        WithArticle(parent.level()), "; the parent's level must be higher than the child's"));
  }
  PACTO_ASSIGN_OR_RETURN(bool cycle, IsAncestorOrSelf(txn, child.id(), parent_id));
  if (cycle) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": affiliating ", child.id(), " to ",
                                                   parent_id, " would form a cycle"));
  }
  return absl::OkStatus();
}

}  // namespace

void Registry::AddRegion(const v1::AddRegionRequest& req, const std::string& principal,
                         v1::Region* out, Done done) {
  v1::Region region;
  absl::Status valid = [&]() -> absl::Status {
    PACTO_ASSIGN_OR_RETURN(*region.mutable_code(), CleanRegionCode("code", req.region().code()));
    PACTO_ASSIGN_OR_RETURN(*region.mutable_name(), CleanText("name", req.region().name()));
    if (!req.region().parent().empty()) {
      PACTO_ASSIGN_OR_RETURN(*region.mutable_parent(),
                             CleanRegionCode("parent", req.region().parent()));
      if (region.parent() == region.code()) {
        return absl::InvalidArgumentError("parent: a region cannot be its own parent");
      }
    }
    if (!req.region().level().empty()) {
      PACTO_ASSIGN_OR_RETURN(*region.mutable_level(),
                             ParseWord("level", req.region().level(), RegionLevels()));
    }
    return absl::OkStatus();
  }();
  if (!valid.ok()) return done(valid);

  Submit(
      [region, out](WriteContext& ctx) mutable -> absl::Status {
        v1::Region existing;
        PACTO_ASSIGN_OR_RETURN(
            bool exists, ReadLive(ctx.txn(), v1::RECORD_TYPE_REGION, region.code(), &existing));
        if (exists) {
          return absl::AlreadyExistsError(
              absl::StrCat("code: region '", region.code(), "' already exists"));
        }
        if (!region.parent().empty()) {
          PACTO_ASSIGN_OR_RETURN(v1::Region parent,
                                 LoadLive<v1::Region>(ctx.txn(), v1::RECORD_TYPE_REGION,
                                                      region.parent(), "parent", Ref::kReferenced));
          int parent_rank = RegionLevelRank(parent.level());
          if (region.level().empty()) {
            if (parent_rank >= static_cast<int>(RegionLevels().size())) {
              return absl::InvalidArgumentError(absl::StrCat(
                  "parent: ", WithArticle(parent.level()), " cannot contain another region"));
            }
            region.set_level(RegionLevels()[parent_rank]);
          } else if (RegionLevelRank(region.level()) <= parent_rank) {
            return absl::InvalidArgumentError(absl::StrCat("level: ", WithArticle(region.level()),
                                                           " cannot lie within ",
                                                           WithArticle(parent.level())));
          }
        } else if (region.level().empty()) {
          region.set_level("country");
        }
        // A region is homed in the region that contains it, so only that region's
        // authority may create it; a root region is homed in itself.
        const std::string home = region.parent().empty() ? region.code() : region.parent();
        PACTO_RETURN_IF_ERROR(EmitPut(ctx, v1::RECORD_TYPE_REGION, region.code(), region, home));
        *out = region;
        return absl::OkStatus();
      },
      principal, std::move(done));
}

void Registry::AddChapter(const v1::AddChapterRequest& req, const std::string& principal,
                          v1::Chapter* out, Done done) {
  v1::Chapter chapter;
  std::string parent;
  absl::Status valid = [&]() -> absl::Status {
    PACTO_ASSIGN_OR_RETURN(*chapter.mutable_name(), CleanText("name", req.name()));
    PACTO_ASSIGN_OR_RETURN(*chapter.mutable_level(),
                           ParseWord("level", req.level(), ChapterLevels()));
    PACTO_ASSIGN_OR_RETURN(*chapter.mutable_region(), CleanRegionCode("region", req.region()));
    PACTO_ASSIGN_OR_RETURN(*chapter.mutable_sector(),
                           CleanOptionalText("sector", req.sector(), kMaxSectorChars));
    PACTO_ASSIGN_OR_RETURN(*chapter.mutable_founded(),
                           OptionalDate("founded", req.founded(), Today(*clock_)));
    if (!req.parent().empty()) {
      PACTO_RETURN_IF_ERROR(ValidateIdSyntax("parent", req.parent()));
      parent = req.parent();
    }
    return absl::OkStatus();
  }();
  if (!valid.ok()) return done(valid);
  chapter.set_status("active");
  chapter.set_id(NewId(kChapterPrefix));

  Submit(
      [chapter, parent, out](WriteContext& ctx) -> absl::Status {
        PACTO_RETURN_IF_ERROR(LoadLive<v1::Region>(ctx.txn(), v1::RECORD_TYPE_REGION,
                                                   chapter.region(), "region", Ref::kReferenced)
                                  .status());
        if (!parent.empty())
          PACTO_RETURN_IF_ERROR(CheckAffiliation(ctx.txn(), chapter, parent, "parent"));
        PACTO_RETURN_IF_ERROR(
            EmitPut(ctx, v1::RECORD_TYPE_CHAPTER, chapter.id(), chapter, chapter.region()));
        if (!parent.empty()) {
          v1::Affiliation affiliation;
          affiliation.set_child(chapter.id());
          affiliation.set_parent(parent);
          affiliation.set_since(FormatDate(ctx.today()));
          affiliation.set_status("active");
          PACTO_RETURN_IF_ERROR(EmitPut(ctx, v1::RECORD_TYPE_AFFILIATION, chapter.id(), affiliation,
                                        chapter.region()));
        }
        *out = chapter;
        out->set_parent(parent);
        return absl::OkStatus();
      },
      principal, std::move(done));
}

void Registry::UpdateChapter(const v1::UpdateChapterRequest& req, const std::string& principal,
                             v1::Chapter* out, Done done) {
  std::string name, status, sector;
  absl::Status valid = [&]() -> absl::Status {
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("id", req.id()));
    if (req.name().empty() && req.status().empty() && req.sector().empty()) {
      return absl::InvalidArgumentError("name: nothing to update; give a name, status or sector");
    }
    if (!req.name().empty()) {
      PACTO_ASSIGN_OR_RETURN(name, CleanText("name", req.name()));
    }
    if (!req.status().empty()) {
      PACTO_ASSIGN_OR_RETURN(
          status, ParseWord("status", req.status(), {"active", "inactive", "dissolved"}));
    }
    if (!req.sector().empty()) {
      PACTO_ASSIGN_OR_RETURN(sector, CleanText("sector", req.sector(), kMaxSectorChars));
    }
    return absl::OkStatus();
  }();
  if (!valid.ok()) return done(valid);

  Submit(
      [id = req.id(), name, status, sector, out](WriteContext& ctx) -> absl::Status {
        PACTO_ASSIGN_OR_RETURN(
            v1::Chapter chapter,
            LoadLive<v1::Chapter>(ctx.txn(), v1::RECORD_TYPE_CHAPTER, id, "id", Ref::kAddressed));
        if (!name.empty()) chapter.set_name(name);
        if (!status.empty()) chapter.set_status(status);
        if (!sector.empty()) chapter.set_sector(sector);
        PACTO_RETURN_IF_ERROR(
            EmitPut(ctx, v1::RECORD_TYPE_CHAPTER, chapter.id(), chapter, chapter.region()));
        *out = chapter;
        PACTO_ASSIGN_OR_RETURN(*out->mutable_parent(), ActiveParent(ctx.txn(), id));
        return absl::OkStatus();
      },
      principal, std::move(done));
}

void Registry::Affiliate(const v1::AffiliateRequest& req, const std::string& principal,
                         v1::Affiliation* out, Done done) {
  std::string since;
  absl::Status valid = [&]() -> absl::Status {
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("child", req.child()));
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("parent", req.parent()));
    if (req.child() == req.parent()) {
      return absl::InvalidArgumentError("parent: a chapter cannot affiliate to itself");
    }
    PACTO_ASSIGN_OR_RETURN(since, OptionalDate("since", req.since(), Today(*clock_)));
    return absl::OkStatus();
  }();
  if (!valid.ok()) return done(valid);

  Submit(
      [child_id = req.child(), parent_id = req.parent(), since,
       out](WriteContext& ctx) -> absl::Status {
        PACTO_ASSIGN_OR_RETURN(v1::Chapter child,
                               LoadLive<v1::Chapter>(ctx.txn(), v1::RECORD_TYPE_CHAPTER, child_id,
                                                     "child", Ref::kAddressed));
        PACTO_RETURN_IF_ERROR(CheckAffiliation(ctx.txn(), child, parent_id, "parent"));
        v1::Affiliation affiliation;
        PACTO_ASSIGN_OR_RETURN(
            bool exists, ReadLive(ctx.txn(), v1::RECORD_TYPE_AFFILIATION, child_id, &affiliation));
        if (exists && affiliation.status() == "active") {
          if (affiliation.parent() == parent_id) {
            return absl::AlreadyExistsError(
                absl::StrCat("parent: ", child_id, " is already affiliated to ", parent_id));
          }
          return absl::FailedPreconditionError(
              absl::StrCat("parent: ", child_id, " is affiliated to ", affiliation.parent(),
                           "; a chapter has one active parent, so disaffiliate it first"));
        }
        affiliation.set_child(child_id);
        affiliation.set_parent(parent_id);
        affiliation.set_since(since.empty() ? FormatDate(ctx.today()) : since);
        affiliation.set_status("active");
        PACTO_RETURN_IF_ERROR(
            EmitPut(ctx, v1::RECORD_TYPE_AFFILIATION, child_id, affiliation, child.region()));
        *out = affiliation;
        return absl::OkStatus();
      },
      principal, std::move(done));
}

void Registry::Disaffiliate(const v1::DisaffiliateRequest& req, const std::string& principal,
                            v1::Affiliation* out, Done done) {
  std::string until;
  absl::Status valid = [&]() -> absl::Status {
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("child", req.child()));
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("parent", req.parent()));
    PACTO_ASSIGN_OR_RETURN(until, OptionalDate("until", req.until(), Today(*clock_)));
    return absl::OkStatus();
  }();
  if (!valid.ok()) return done(valid);

  Submit(
      [child_id = req.child(), parent_id = req.parent(), until,
       out](WriteContext& ctx) -> absl::Status {
        PACTO_ASSIGN_OR_RETURN(v1::Chapter child,
                               LoadLive<v1::Chapter>(ctx.txn(), v1::RECORD_TYPE_CHAPTER, child_id,
                                                     "child", Ref::kAddressed));
        v1::Affiliation affiliation;
        PACTO_ASSIGN_OR_RETURN(
            bool exists, ReadLive(ctx.txn(), v1::RECORD_TYPE_AFFILIATION, child_id, &affiliation));
        if (!exists || affiliation.status() != "active" || affiliation.parent() != parent_id) {
          return absl::FailedPreconditionError(
              absl::StrCat("parent: ", child_id, " is not affiliated to ", parent_id));
        }
        std::string end = until.empty() ? FormatDate(ctx.today()) : until;
        if (end < affiliation.since()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "until: ", end, " is before the affiliation began (", affiliation.since(), ")"));
        }
        v1::PastAffiliation* past = affiliation.add_history();
        past->set_parent(affiliation.parent());
        past->set_since(affiliation.since());
        past->set_until(end);
        affiliation.clear_parent();
        affiliation.clear_since();
        affiliation.set_status("ended");
        PACTO_RETURN_IF_ERROR(
            EmitPut(ctx, v1::RECORD_TYPE_AFFILIATION, child_id, affiliation, child.region()));
        *out = affiliation;
        return absl::OkStatus();
      },
      principal, std::move(done));
}

}  // namespace pacto
