#include "client/cli/views.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace pacto::cli {
namespace {

std::string YesNo(bool value) { return value ? "true" : "false"; }

}  // namespace

Table RegionsTable(const v1::ListRegionsResponse& response) {
  Table table({"code", "name", "level", "parent"});
  for (const v1::Region& r : response.regions()) {
    table.AddRow({r.code(), r.name(), r.level(), r.parent()});
  }
  return table;
}

Table ChaptersTable(const v1::ListChaptersResponse& response) {
  Table table({"id", "name", "level", "region", "sector", "status", "parent"});
  for (const v1::Chapter& c : response.chapters()) {
    table.AddRow({c.id(), c.name(), c.level(), c.region(), c.sector(), c.status(), c.parent()});
  }
  return table;
}

Table MembersTable(const v1::ListMembersResponse& response) {
  Table table({"id", "name", "status", "since"});
  for (const v1::Membership& m : response.members()) {
    table.AddRow({m.id(), m.person().name(), m.status(), m.since()});
  }
  return table;
}

Table OfficersTable(const v1::ListOfficersResponse& response) {
  Table table({"id", "role", "membership_id", "person_id", "start_date", "end_date"});
  for (const v1::OfficerTerm& t : response.terms()) {
    table.AddRow(
        {t.id(), t.role(), t.membership_id(), t.person_id(), t.start_date(), t.end_date()});
  }
  return table;
}

Table FormationTable(const v1::ListFormationResponse& response) {
  Table table({"id", "course", "date", "membership_id", "chapter_id"});
  for (const v1::FormationRecord& f : response.records()) {
    table.AddRow({f.id(), f.course(), f.date(), f.membership_id(), f.chapter_id()});
  }
  return table;
}

Table SummaryTable(const v1::SummaryResponse& response) {
  Table table({"metric", "value"});
  table.AddRow({"chapters", absl::StrCat(response.chapters())});
  table.AddRow({"active_members", absl::StrCat(response.active_members())});
  table.AddRow({"federation_members", absl::StrCat(response.federation_members())});
  table.AddRow({"persons", absl::StrCat(response.persons())});
  for (const v1::LevelCount& level : response.chapters_by_level()) {
    table.AddRow(
        {absl::StrCat("chapters_by_level.", level.level()), absl::StrCat(level.chapters())});
  }
  return table;
}

void AddFreshnessRows(const v1::SummaryResponse& response, Table* table) {
  table->AddRow({"as_of_node", response.as_of_node()});
  if (response.has_header()) {
    table->AddRow({"as_of", response.header().as_of()});
    table->AddRow({"stale_after", response.header().stale_after()});
    table->AddRow({"stale_regions", absl::StrJoin(response.header().stale_regions(), ";")});
  }
  const std::map<std::string, uint64_t> sorted(response.version_vector().begin(),
                                               response.version_vector().end());
  for (const auto& [origin, sequence] : sorted) {
    table->AddRow({absl::StrCat("version_vector.", origin), absl::StrCat(sequence)});
  }
}

FieldList ChapterFields(const v1::Chapter& chapter) {
  FieldList fields;
  fields.Add("id", chapter.id());
  fields.Add("name", chapter.name());
  fields.Add("level", chapter.level());
  fields.Add("sector", chapter.sector());
  fields.Add("region", chapter.region());
  fields.Add("status", chapter.status());
  fields.Add("founded", chapter.founded());
  fields.Add("parent", chapter.parent());
  return fields;
}

FieldList AffiliationFields(const v1::Affiliation& affiliation) {
  FieldList fields;
  fields.Add("child", affiliation.child());
  fields.Add("parent", affiliation.parent());
  fields.Add("since", affiliation.since());
  fields.Add("status", affiliation.status());
  for (const v1::PastAffiliation& past : affiliation.history()) {
    fields.Add("history",
               absl::StrCat(past.parent(), " from ", past.since().empty() ? "?" : past.since(),
                            " to ", past.until().empty() ? "?" : past.until()));
  }
  return fields;
}

FieldList MembershipFields(const v1::Membership& membership) {
  FieldList fields;
  fields.Add("id", membership.id());
  fields.Add("status", membership.status());
  fields.Add("chapter_id", membership.chapter_id());
  fields.Add("since", membership.since());
  fields.Add("until", membership.until());
  fields.Add("person_id", membership.person_id());
  fields.Add("person.name", membership.person().name());
  fields.Add("person.national_id", membership.person().national_id());
  fields.Add("person.birth_date", membership.person().birth_date());
  fields.Add("transferred_from", membership.transferred_from());
  fields.Add("transferred_to", membership.transferred_to());
  return fields;
}

FieldList RemovalFields(const v1::RemoveMemberResponse& response) {
  FieldList fields;
  fields.Add("membership_id", response.membership_id());
  fields.Add("person_erased", YesNo(response.person_erased()));
  fields.Add("officer_terms_erased", absl::StrCat(response.officer_terms_erased()));
  fields.Add("formation_records_erased", absl::StrCat(response.formation_records_erased()));
  return fields;
}

Table ConflictsTable(const v1::ConflictsResponse& response) {
  Table table({"kind", "record", "version", "written_at", "winner", "value"});
  for (const v1::Conflict& c : response.conflicts()) {
    const std::string record = absl::StrCat(c.record_type(), " ", c.record_id());
    if (c.versions().empty()) {
      table.AddRow({c.kind(), record, "", "", "", c.detail()});
      continue;
    }
    for (const v1::ConflictVersion& v : c.versions()) {
      table.AddRow({c.kind(), record, absl::StrCat(v.origin(), ":", v.seq()), v.written_at(),
                    v.winner() ? "yes" : "", v.kind() == "put" ? v.value_json() : v.kind()});
    }
  }
  return table;
}

Table PeersTable(const v1::PeersResponse& response) {
  Table table({"address", "node_id", "region", "state", "last_sync", "peer_behind", "we_are_behind",
               "last_error"});
  for (const v1::PeerStatus& p : response.peers()) {
    table.AddRow({p.address(), p.node_id(), p.region(), p.state(), p.last_sync(),
                  absl::StrCat(p.peer_behind()), absl::StrCat(p.we_are_behind()), p.last_error()});
  }
  return table;
}

Table AuditTable(const v1::AuditResponse& response) {
  Table table({"type", "id", "home_region", "time", "kind", "principal", "origin"});
  for (const v1::AuditRecord& record : response.records()) {
    for (const v1::AuditChange& c : record.changes()) {
      table.AddRow({record.type(), record.id(), record.home_region(), c.time(), c.kind(),
                    c.principal(), absl::StrCat(c.origin(), ":", c.seq())});
    }
  }
  return table;
}

Table SyncTable(const v1::SyncResponse& response) {
  Table table({"address", "result", "error"});
  for (const v1::SyncResult& r : response.results()) {
    table.AddRow({r.address(), r.ok() ? "ok" : "failed", r.error()});
  }
  return table;
}

FieldList StatusFields(const v1::StatusResponse& status) {
  FieldList fields;
  fields.Add("node_id", status.node_id());
  fields.Add("region", status.region());
  fields.Add("version", status.version());
  fields.Add("listen", status.listen());
  fields.Add("data_dir", status.data_dir());
  fields.Add("development_mode", YesNo(status.development_mode()));
  fields.Add("uptime", absl::FormatDuration(absl::Seconds(status.uptime_seconds())));
  // RocksDB's estimate of the records family's keys: it counts overwritten versions not
  // yet compacted away, so two equal registries (equal digests) may show different ones.
  fields.Add("records", absl::StrCat("~", status.records(), " (estimate)"));
  fields.Add("log_entries", absl::StrCat(status.log_entries()));
  fields.Add("log_retained", absl::StrCat(status.log_retained()));
  fields.Add("log_oldest", status.log_oldest_time());
  fields.Add("digest", status.digest());
  fields.Add("version_vector", VersionVectorText(status.version_vector()));
  fields.Add("advertise", status.advertise());
  fields.Add("peers",
             absl::StrCat(status.peers_known(), " known, ", status.peers_failing(), " failing"));
  return fields;
}

std::string VersionVectorText(const google::protobuf::Map<std::string, uint64_t>& vector) {
  const std::map<std::string, uint64_t> sorted(vector.begin(), vector.end());
  std::string text;
  for (const auto& [origin, sequence] : sorted) {
    if (!text.empty()) text.push_back(' ');
    absl::StrAppend(&text, origin, "=", sequence);
  }
  return text;
}

std::string AsOfLine(const v1::SummaryResponse& response) {
  std::string line = absl::StrCat("as of node ", response.as_of_node());
  const std::string vector = VersionVectorText(response.version_vector());
  if (!vector.empty()) absl::StrAppend(&line, " (", vector, ")");
  return line;
}

}  // namespace pacto::cli
