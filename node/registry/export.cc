#include "node/registry/export.h"

#include <algorithm>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/registry/person_scope.h"
#include "node/store/derived_data.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "pacto/v1/model.pb.h"
#include "rocksdb/db.h"

namespace pacto {
namespace {

// Rows wait for their person in batches this large, so that the persons are read in key
// order, each block of the persons' keys once per batch rather than once per row; a
// pending row is ~200 bytes, so the batch bounds the export's memory at a few tens of MB.
constexpr size_t kPersonBatchRows = 1 << 17;

// Above this share of the registry's chapters, the membership records are read in one
// ordered scan instead of one random read per row through the chapters' member indexes.
constexpr size_t kScanShareDenominator = 8;

// The region's subtree as a list of its chapters, and the number of chapters in all.
struct ExportScope {
  std::vector<std::string> chapters;  // in region depth-first order
  size_t all_chapters = 0;
};

absl::StatusOr<ExportScope> ScopeOf(const ReadView& view, const std::string& code,
                                    const std::string& asked) {
  const Database& db = view.db();
  std::map<std::string, std::vector<std::string>> children;
  bool known = false;
  PACTO_RETURN_IF_ERROR(
      ScanLive<v1::Region>(view, v1::RECORD_TYPE_REGION, "",
                           [&](absl::string_view id, v1::Region& region) -> absl::StatusOr<bool> {
                             children[region.parent()].emplace_back(id);
                             known |= id == code;
                             return true;
                           }));
  if (!known) return absl::NotFoundError(absl::StrCat("region: no region '", asked, "'"));

  // Every region's chapters in one pass over the index (keys: region, NUL, chapter).
  ExportScope scope;
  std::map<std::string, std::vector<std::string>, std::less<>> chapters;
  const std::string index(1, static_cast<char>(IndexKind::kChaptersByRegion));
  PACTO_RETURN_IF_ERROR(
      view.Scan(db.indexes(), index, "", [&](absl::string_view rest, absl::string_view) {
        const size_t nul = rest.find('\0');
        if (nul == absl::string_view::npos) return true;
        chapters[std::string(rest.substr(0, nul))].emplace_back(rest.substr(nul + 1));
        ++scope.all_chapters;
        return true;
      }));
  std::vector<std::string> stack = {code};
  std::set<std::string> seen = {code};
  while (!stack.empty()) {
    const std::string region = stack.back();
    stack.pop_back();
    for (const std::string& child : children[region]) {
      if (seen.insert(child).second) stack.push_back(child);
    }
    auto it = chapters.find(region);
    if (it == chapters.end()) continue;
    for (std::string& chapter : it->second) scope.chapters.push_back(std::move(chapter));
  }
  return scope;
}

// A row waiting for its person's name, national id and birth date.
struct PendingRow {
  v1::ExportRow row;
  std::string person_id;
  bool filled = false;  // the person's fields are in `row` already (what was sent)
};

// Gathers rows, fills in their persons a batch at a time (persons read in key order
// through one iterator), and sends them on in the order they came, `batch_rows` a message.
class RowSink {
 public:
  RowSink(const ReadView* view, ScopeCheck* scope,
          const std::function<bool(const v1::ExportMembersResponse&)>* emit, int batch_rows,
          uint64_t* rows_sent)
      : view_(view), scope_(scope), emit_(emit), batch_rows_(batch_rows), rows_sent_(rows_sent) {}

  // False once the caller has gone (status stays ok) or a read failed (status says so).
  bool Add(const std::string& chapter, const v1::Membership& m) {
    PendingRow& p = pending_.emplace_back();
    p.row.set_chapter(chapter);
    p.row.set_since(m.since());
    p.row.set_membership_id(m.id());
    p.row.set_status(m.status());
    p.person_id = m.person_id();
    if (m.has_sent_person()) {
      // Enrolled from outside the person's scope: the stored person only for those
      // who see it (person_scope.h), what was sent for everyone else.
      v1::Membership scoped = m;
      absl::Status filled = scope_->FillPerson(*view_, &scoped);
      if (!filled.ok()) {
        status_ = filled;
        return false;
      }
      p.row.set_name(scoped.person().name());
      p.row.set_national_id(scoped.person().national_id());
      p.row.set_birth_date(scoped.person().birth_date());
      p.filled = true;
    }
    return pending_.size() < kPersonBatchRows || Flush();
  }

  bool Flush() {
    if (!FillPersons()) return false;
    for (PendingRow& p : pending_) {
      if (p.person_id.empty()) continue;  // the person was not there (see FillPersons)
      *message_.add_rows() = std::move(p.row);
      ++*rows_sent_;
      if (message_.rows_size() >= batch_rows_ && !Send()) return false;
    }
    pending_.clear();
    return true;
  }

  // Sends what is left; false when the caller has gone or a read failed.
  bool Finish() { return Flush() && (message_.rows_size() == 0 || Send()); }

  bool gone() const { return gone_; }
  const absl::Status& status() const { return status_; }

 private:
  bool Send() {
    if (!(*emit_)(message_)) {
      gone_ = true;
      return false;
    }
    message_.Clear();
    return true;
  }

  // A membership whose person is not live (erased under it, which the apply path does
  // not allow to outlive the person) is left out rather than sent half empty.
  bool FillPersons() {
    std::vector<size_t> order(pending_.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return pending_[a].person_id < pending_[b].person_id; });
    const Database& db = view_->db();
    std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(view_->options(), db.records()));
    v1::Person person;
    for (size_t i : order) {
      PendingRow& p = pending_[i];
      if (p.filled) continue;
      const std::string key = RecordKey(v1::RECORD_TYPE_PERSON, p.person_id);
      if (!it->Valid() || it->key().compare(key) != 0) it->Seek(key);
      bool live = false;
      if (it->Valid() && it->key() == key) {
        absl::StatusOr<bool> decoded = DecodeStoredWinner(ToView(it->value()), &person);
        if (!decoded.ok()) {
          status_ = decoded.status();
          return false;
        }
        live = *decoded;
      }
      if (!live) {
        p.person_id.clear();
        continue;
      }
      p.row.set_name(person.name());
      p.row.set_national_id(person.national_id());
      p.row.set_birth_date(person.birth_date());
    }
    status_ = FromRocks(it->status(), "reading persons");
    return status_.ok();
  }

  const ReadView* const view_;
  ScopeCheck* const scope_;
  const std::function<bool(const v1::ExportMembersResponse&)>* const emit_;
  const int batch_rows_;
  uint64_t* const rows_sent_;
  std::vector<PendingRow> pending_;
  v1::ExportMembersResponse message_;
  bool gone_ = false;
  absl::Status status_;
};

// A large share of the registry: one ordered scan of every membership record.
absl::Status ScanMemberships(const ReadView& view, const ExportScope& scope, bool include_ended,
                             RowSink* sink) {
  const absl::flat_hash_set<std::string> chapters(scope.chapters.begin(), scope.chapters.end());
  v1::Membership m;  // reused row after row: the export's hot loop
  return view.ScanChecked(view.db().records(), RecordTypePrefix(v1::RECORD_TYPE_MEMBERSHIP), "",
                          [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                            PACTO_ASSIGN_OR_RETURN(bool live, DecodeStoredWinner(value, &m));
                            if (!live || !chapters.contains(m.chapter_id())) return true;
                            if (!include_ended && MembershipStatusMark(m.status()) != kActiveMark)
                              return true;
                            return sink->Add(m.chapter_id(), m);
                          });
}

// A small part of it: each chapter's member index, then each membership by its id.
absl::Status WalkChapterIndexes(const ReadView& view, const ExportScope& scope, bool include_ended,
                                RowSink* sink) {
  for (const std::string& chapter : scope.chapters) {
    bool stopped = false;
    PACTO_RETURN_IF_ERROR(view.ScanChecked(
        view.db().indexes(), IndexPrefix(IndexKind::kMembersByChapter, chapter), "",
        [&](absl::string_view membership_id, absl::string_view mark) -> absl::StatusOr<bool> {
          if (!include_ended && (mark.empty() || mark[0] != kActiveMark)) return true;
          v1::Membership m;
          PACTO_ASSIGN_OR_RETURN(bool live,
                                 ReadLive(view, v1::RECORD_TYPE_MEMBERSHIP, membership_id, &m));
          if (!live) return true;
          stopped = !sink->Add(chapter, m);
          return !stopped;
        }));
    if (stopped) return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ExportMembers(const Database& db, const v1::ExportMembersRequest& request,
                           const Caller& caller,
                           const std::function<bool(const v1::ExportMembersResponse&)>& emit,
                           uint64_t* rows_sent, int batch_rows) {
  *rows_sent = 0;
  const std::string code = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(request.region()));
  if (code.empty()) return absl::InvalidArgumentError("region: must not be empty");
  ReadView view(&db);
  PACTO_ASSIGN_OR_RETURN(ExportScope scope, ScopeOf(view, code, request.region()));

  ScopeCheck person_scope(caller);
  RowSink sink(&view, &person_scope, &emit, batch_rows, rows_sent);
  const bool scan = scope.chapters.size() * kScanShareDenominator >= scope.all_chapters;
  PACTO_RETURN_IF_ERROR(scan ? ScanMemberships(view, scope, request.include_ended(), &sink)
                             : WalkChapterIndexes(view, scope, request.include_ended(), &sink));
  if (sink.status().ok() && !sink.gone()) sink.Finish();
  PACTO_RETURN_IF_ERROR(sink.status());
  if (sink.gone()) return absl::CancelledError("the caller went away");
  return absl::OkStatus();
}

}  // namespace pacto
