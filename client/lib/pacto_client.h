// libpacto: a small C++ client for a pacto-node (DESIGN §2.2).
//
// A Client holds one gRPC channel to one node and offers one method per RPC of the
// Registry, Reports and Admin services. Every method returns the
// node's response or its error as an absl::Status with the same code and message
// (INVALID_ARGUMENT naming the field, NOT_FOUND, ALREADY_EXISTS, ...). Two errors that
// come from the transport rather than the node get the address in front of gRPC's
// message: UNAVAILABLE reads "cannot reach ADDR: ..." and DEADLINE_EXCEEDED reads
// "no answer from ADDR within 30s: ...".
//
// A server-streaming RPC (the large reports, ExportMembers) comes in two forms:
// StreamX(request, on_chunk) hands each chunk to `on_chunk` as it arrives, so memory
// stays at one chunk; X(request) returns every chunk merged into one response
// (MergeChunks below). Both run under `stream_deadline` rather than `deadline`.
//
// Connect() does not wait for the node: the channel connects on the first call, so an
// unreachable node shows up as UNAVAILABLE from that call.
//
// Example:
//   ClientOptions options;
//   options.address = "127.0.0.1:7400";
//   PACTO_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Connect(options));
//   v1::GetChapterRequest request;
//   request.set_id("ch-1");
//   absl::StatusOr<v1::Chapter> chapter = client->GetChapter(request);
//
// Thread-safe: any number of threads may call one Client at once.
#ifndef PACTO_CLIENT_LIB_PACTO_CLIENT_H_
#define PACTO_CLIENT_LIB_PACTO_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pacto/v1/admin.grpc.pb.h"
#include "pacto/v1/registry.grpc.pb.h"
#include "pacto/v1/reports.grpc.pb.h"

namespace pacto {

struct ClientOptions {
  // The node's gRPC address, "host:port" or any gRPC target.
  std::string address = "127.0.0.1:7400";
  // Sent as "authorization: Bearer <token>" on every call when not empty.
  std::string token;
  // PEM file paths. TLS is used exactly when `ca_file` is set; `cert_file` and
  // `key_file` (a client certificate for mutual TLS) go together and need `ca_file`.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // Deadline of each unary call; absl::InfiniteDuration() for none.
  absl::Duration deadline = absl::Seconds(30);
  // Deadline of a whole ImportMembers stream, which may carry many batches.
  absl::Duration import_deadline = absl::Hours(1);
  // Deadline of a whole server-streaming call (Tree, Formation, Vacancies, Duplicates,
  // ExportMembers), which may carry many chunks.
  absl::Duration stream_deadline = absl::Hours(1);
  // Open a connection of this client's own instead of sharing one with every other
  // client of the process to the same address (benchmarks of many callers).
  bool own_connection = false;
};

// Where ImportMembers gets its rows: fills `*row` (given cleared) and returns true, or
// returns false when there are no more rows.
using ImportRowSource = std::function<bool(v1::ImportRow* row)>;
// Told the number of rows sent so far after each batch goes out.
using ImportProgress = std::function<void(uint64_t rows_sent)>;

// Told each chunk of a server-streaming response, in order, on the calling thread. A
// non-OK status stops the stream (the call is cancelled) and is what the call returns.
template <typename Response>
using ChunkHandler = std::function<absl::Status(const Response& chunk)>;

// The chunks of a streaming report, merged in order with MergeFrom: the first chunk's
// header (and VacanciesResponse.required) and every chunk's rows, as one response.
// REQUIRES: only the first chunk carries the singular fields, as the node sends them.
template <typename Response>
class MergeChunks {
 public:
  // The handler to pass to a StreamX method; `this` must outlive the call.
  ChunkHandler<Response> Handler() {
    return [this](const Response& chunk) {
      merged_.MergeFrom(chunk);
      ++chunks_;
      return absl::OkStatus();
    };
  }
  int chunks() const { return chunks_; }
  Response& merged() { return merged_; }

 private:
  Response merged_;
  int chunks_ = 0;
};

// OK, or INVALID_ARGUMENT naming the row's largest field when the row is larger than
// Client::kMaxImportRowBytes.
absl::Status CheckImportRowSize(const v1::ImportRow& row);

class Client {
 public:
  // Rows per ImportMembersRequest message; a batch also closes early once it holds
  // kImportBatchBytes, to stay well below gRPC's message size limit.
  static constexpr int kImportBatchRows = 500;
  static constexpr size_t kImportBatchBytes = 1 << 20;
  // The largest row ImportMembers sends. A real member row is well under 1 KiB (a name
  // is at most 200 characters); a bigger one is a mistake in the file (a quote left
  // open swallows the lines after it) and is refused by line, like a bad row, so it
  // can neither fill a message past gRPC's limit nor stop the good rows.
  static constexpr size_t kMaxImportRowBytes = 64 << 10;

  // Checks `options` and reads the TLS files. Errors: INVALID_ARGUMENT for an empty
  // address, a deadline that is not positive, or cert/key without ca (or one without
  // the other); the file's error (NOT_FOUND, ...) when a PEM file cannot be read.
  static absl::StatusOr<std::unique_ptr<Client>> Connect(const ClientOptions& options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  const ClientOptions& options() const { return options_; }

  // --- Registry ---
  absl::StatusOr<v1::Region> AddRegion(const v1::AddRegionRequest& request) const;
  absl::StatusOr<v1::Region> GetRegion(const v1::GetRegionRequest& request) const;
  absl::StatusOr<v1::ListRegionsResponse> ListRegions(const v1::ListRegionsRequest& request) const;

  absl::StatusOr<v1::Chapter> AddChapter(const v1::AddChapterRequest& request) const;
  absl::StatusOr<v1::Chapter> UpdateChapter(const v1::UpdateChapterRequest& request) const;
  absl::StatusOr<v1::Chapter> GetChapter(const v1::GetChapterRequest& request) const;
  absl::StatusOr<v1::ListChaptersResponse> ListChapters(
      const v1::ListChaptersRequest& request) const;

  absl::StatusOr<v1::Affiliation> Affiliate(const v1::AffiliateRequest& request) const;
  absl::StatusOr<v1::Affiliation> Disaffiliate(const v1::DisaffiliateRequest& request) const;
  absl::StatusOr<v1::Affiliation> GetAffiliation(const v1::GetAffiliationRequest& request) const;

  absl::StatusOr<v1::Membership> EnrolMember(const v1::EnrolMemberRequest& request) const;
  absl::StatusOr<v1::Membership> GetMember(const v1::GetMemberRequest& request) const;
  absl::StatusOr<v1::ListMembersResponse> ListMembers(const v1::ListMembersRequest& request) const;
  absl::StatusOr<v1::Membership> TransferMember(const v1::TransferMemberRequest& request) const;
  absl::StatusOr<v1::Membership> EndMembership(const v1::EndMembershipRequest& request) const;
  absl::StatusOr<v1::RemoveMemberResponse> RemoveMember(
      const v1::RemoveMemberRequest& request) const;

  // Streams the rows `next_row` yields, in batches (kImportBatchRows per message), and
  // returns the node's per-row results. `on_progress`, when set, is called on this
  // thread after each batch is sent. A row over kMaxImportRowBytes, or with a field
  // that is not UTF-8, is not sent: it comes back as a rejected row (INVALID_ARGUMENT
  // naming the field). When the node stops reading early it still answers with the
  // counts of the rows it read and `stopped` set (registry.proto); rows it did not
  // read were not imported. Only when the call itself fails (the connection broke)
  // may the rows already sent have been imported or not.
  absl::StatusOr<v1::ImportMembersResponse> ImportMembers(
      const ImportRowSource& next_row, const ImportProgress& on_progress = nullptr) const;

  absl::StatusOr<v1::OfficerTerm> AppointOfficer(const v1::AppointOfficerRequest& request) const;
  absl::StatusOr<v1::ListOfficersResponse> ListOfficers(
      const v1::ListOfficersRequest& request) const;

  absl::StatusOr<v1::FormationRecord> RecordFormation(
      const v1::RecordFormationRequest& request) const;
  absl::StatusOr<v1::ListFormationResponse> ListFormation(
      const v1::ListFormationRequest& request) const;

  // A region's members as re-importable rows (person data), streamed.
  absl::Status StreamExportMembers(const v1::ExportMembersRequest& request,
                                   const ChunkHandler<v1::ExportMembersResponse>& on_chunk) const;
  absl::StatusOr<v1::ExportMembersResponse> ExportMembers(
      const v1::ExportMembersRequest& request) const;

  // --- Reports ---
  absl::StatusOr<v1::SummaryResponse> Summary(const v1::SummaryRequest& request) const;
  absl::StatusOr<v1::ConflictsResponse> Conflicts(const v1::ConflictsRequest& request) const;
  absl::StatusOr<v1::RegionsResponse> Regions(const v1::RegionsRequest& request) const;
  absl::StatusOr<v1::FreshnessResponse> Freshness(const v1::FreshnessRequest& request) const;

  absl::Status StreamTree(const v1::TreeRequest& request,
                          const ChunkHandler<v1::TreeResponse>& on_chunk) const;
  absl::StatusOr<v1::TreeResponse> Tree(const v1::TreeRequest& request) const;
  absl::Status StreamFormation(const v1::FormationRequest& request,
                               const ChunkHandler<v1::FormationResponse>& on_chunk) const;
  absl::StatusOr<v1::FormationResponse> Formation(const v1::FormationRequest& request) const;
  absl::Status StreamVacancies(const v1::VacanciesRequest& request,
                               const ChunkHandler<v1::VacanciesResponse>& on_chunk) const;
  absl::StatusOr<v1::VacanciesResponse> Vacancies(const v1::VacanciesRequest& request) const;
  absl::Status StreamDuplicates(const v1::DuplicatesRequest& request,
                                const ChunkHandler<v1::DuplicatesResponse>& on_chunk) const;
  absl::StatusOr<v1::DuplicatesResponse> Duplicates(const v1::DuplicatesRequest& request) const;

  // --- Admin ---
  absl::StatusOr<v1::StatusResponse> Status(const v1::StatusRequest& request) const;
  absl::StatusOr<v1::PeersResponse> Peers(const v1::PeersRequest& request) const;
  // A sync round with every peer of the node; may take as long as the slowest peer.
  absl::StatusOr<v1::SyncResponse> Sync(const v1::SyncRequest& request) const;
  // Every change of a record: when, what kind, who, from which node (operators).
  absl::StatusOr<v1::AuditResponse> Audit(const v1::AuditRequest& request) const;
  // A verified backup of the node into a sub-directory of its --backup-dir; may take
  // as long as copying the registry, so it runs under `stream_deadline`.
  absl::StatusOr<v1::BackupResponse> Backup(const v1::BackupRequest& request) const;
  // The node's own administrative events (backups, restores), newest first.
  absl::StatusOr<v1::EventsResponse> Events(const v1::EventsRequest& request) const;
  // Withdraws a token by id, or a subject's tokens issued until now (operators).
  absl::StatusOr<v1::RevokeTokenResponse> RevokeToken(const v1::RevokeTokenRequest& request) const;
  // The revocations homed in the caller's region subtree (operators).
  absl::StatusOr<v1::ListRevocationsResponse> ListRevocations(
      const v1::ListRevocationsRequest& request) const;

 private:
  Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  // Sets the deadline and the authorization metadata.
  void Prepare(grpc::ClientContext* context, absl::Duration deadline) const;
  // FromGrpcStatus, plus the address for transport errors (see the file comment).
  absl::Status Convert(const grpc::Status& status, absl::Duration deadline) const;
  // Runs one unary call: `call(context, response)` returns the grpc::Status.
  template <typename Response, typename Call>
  absl::StatusOr<Response> Unary(const Call& call) const;
  // Runs one server-streaming call: `start(context)` returns the stub's reader; every
  // chunk goes to `on_chunk`.
  template <typename Response, typename Start>
  absl::Status ServerStream(const Start& start, const ChunkHandler<Response>& on_chunk) const;

  // Constant after construction.
  const ClientOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;  // shared with the stubs, as gRPC wants
  const std::unique_ptr<v1::Registry::Stub> registry_;
  const std::unique_ptr<v1::Reports::Stub> reports_;
  const std::unique_ptr<v1::Admin::Stub> admin_;
};

}  // namespace pacto

#endif  // PACTO_CLIENT_LIB_PACTO_CLIENT_H_
