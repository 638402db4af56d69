#include "node/server/import_reactor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace pacto {

ImportReactor::ImportReactor(Registry* registry, const CallGuard* guard, Principal who,
                             v1::ImportMembersResponse* response)
    : registry_(registry), guard_(guard), who_(std::move(who)), response_(response) {
  StartRead(&request_);
}

void ImportReactor::RefuseRowsOutOfScope(std::vector<v1::ImportRow>* rows) {
  std::vector<v1::ImportRow> kept;
  std::vector<v1::RowError> refused;
  for (v1::ImportRow& row : *rows) {
    absl::Status allowed = guard_->CheckImportRow(who_, row, &scope_cache_);
    if (allowed.ok()) {
      kept.push_back(std::move(row));
      continue;
    }
    v1::RowError& e = refused.emplace_back();
    e.set_line(row.line());
    e.set_code(absl::StatusCodeToString(allowed.code()));
    e.set_message(std::string(allowed.message()));
  }
  *rows = std::move(kept);
  if (refused.empty()) return;
  absl::MutexLock lock(&mu_);
  response_->set_rejected(response_->rejected() + refused.size());
  for (v1::RowError& e : refused) *response_->add_errors() = std::move(e);
}

void ImportReactor::OnReadDone(bool ok) {
  absl::Status still = ok ? guard_->Recheck(who_) : absl::OkStatus();
  if (!ok || !still.ok() || request_.rows_size() > kMaxRowsPerMessage) {
    bool finish;
    {
      absl::MutexLock lock(&mu_);
      if (ok) {
        // Stop reading, and end the call OK so that the counts of the rows already
        // read reach the client (ImportMembersResponse.stopped): a token that expired
        // or was revoked, or a message too large to take.
        const absl::Status why = !still.ok()
                                     ? still
                                     : absl::InvalidArgumentError(absl::StrCat(
                                           "rows: at most ", kMaxRowsPerMessage,
                                           " rows per message, got ", request_.rows_size()));
        v1::RowError* stopped = response_->mutable_stopped();
        stopped->set_line(request_.rows_size() > 0 ? request_.rows(0).line() : 0);
        stopped->set_code(absl::StatusCodeToString(why.code()));
        stopped->set_message(std::string(why.message()));
      }
      reads_done_ = true;
      finish = ReadyToFinishLocked();
    }
    if (finish) Finish(grpc::Status::OK);
    return;
  }
  std::vector<v1::ImportRow> rows(std::make_move_iterator(request_.mutable_rows()->begin()),
                                  std::make_move_iterator(request_.mutable_rows()->end()));
  request_.Clear();
  RefuseRowsOutOfScope(&rows);
  std::vector<uint64_t> lines;
  lines.reserve(rows.size());
  for (const v1::ImportRow& row : rows) lines.push_back(row.line());

  bool read_now;
  {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
    read_now = in_flight_ < kMaxBatchesInFlight;
    read_waiting_ = !read_now;
  }
  auto* partial = new v1::ImportMembersResponse();
  registry_->ImportRows(std::move(rows), CallerFor(who_), partial,
                        [this, partial, lines = std::move(lines)](absl::Status s) mutable {
                          BatchDone(partial, std::move(lines), std::move(s));
                        });
  if (read_now) StartRead(&request_);
}

void ImportReactor::BatchDone(v1::ImportMembersResponse* partial, std::vector<uint64_t> lines,
                              absl::Status status) {
  std::unique_ptr<v1::ImportMembersResponse> owned(partial);
  bool read_now = false;
  bool finish = false;
  {
    absl::MutexLock lock(&mu_);
    if (status.ok()) {
      response_->set_accepted(response_->accepted() + partial->accepted());
      response_->set_rejected(response_->rejected() + partial->rejected());
      for (auto& e : *partial->mutable_errors()) *response_->add_errors() = std::move(e);
    } else {
      // The batch as a whole was not written: every row of it is rejected, with the
      // reason, so the client's report still names each line.
      for (uint64_t line : lines) {
        v1::RowError* e = response_->add_errors();
        e->set_line(line);
        e->set_code(absl::StatusCodeToString(status.code()));
        e->set_message(std::string(status.message()));
      }
      response_->set_rejected(response_->rejected() + lines.size());
    }
    --in_flight_;
    if (read_waiting_ && !reads_done_) {
      read_waiting_ = false;
      read_now = true;
    }
    finish = ReadyToFinishLocked();
  }
  if (read_now) StartRead(&request_);
  if (finish) Finish(grpc::Status::OK);
}

bool ImportReactor::ReadyToFinishLocked() {
  if (finished_ || !reads_done_ || in_flight_ > 0) return false;
  finished_ = true;
  auto* errors = response_->mutable_errors();
  std::sort(errors->begin(), errors->end(),
            [](const v1::RowError& a, const v1::RowError& b) { return a.line() < b.line(); });
  return true;
}

}  // namespace pacto
