#include "client/lib/pacto_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/lib/handshake_hint.h"
#include "client/lib/read_file.h"
#include "client/lib/status_from_grpc.h"
#include "client/lib/utf8_fields.h"
#include "common/status_macros.h"

namespace pacto {
namespace {

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(
    const ClientOptions& options) {
  const bool has_cert = !options.cert_file.empty();
  const bool has_key = !options.key_file.empty();
  if (has_cert != has_key) {
    return absl::InvalidArgumentError("a client certificate and its key must be given together");
  }
  if (options.ca_file.empty()) {
    if (has_cert) {
      return absl::InvalidArgumentError(
          "a client certificate needs a CA certificate: TLS is used only when one is given");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  PACTO_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFileToString(options.ca_file));
  if (has_cert) {
    PACTO_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFileToString(options.cert_file));
    PACTO_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFileToString(options.key_file));
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Client>> Client::Connect(const ClientOptions& options) {
  if (options.address.empty()) {
    return absl::InvalidArgumentError("the node address must not be empty");
  }
  if (options.deadline <= absl::ZeroDuration() || options.import_deadline <= absl::ZeroDuration() ||
      options.stream_deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("deadlines must be positive");
  }
  PACTO_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                         Credentials(options));
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  // Without this, clients in one process share one connection per address.
  if (options.own_connection) arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.address, credentials, arguments);
  return std::unique_ptr<Client>(new Client(options, std::move(channel)));
}

Client::Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      registry_(v1::Registry::NewStub(channel_)),
      reports_(v1::Reports::NewStub(channel_)),
      admin_(v1::Admin::NewStub(channel_)) {}

Client::~Client() = default;

void Client::Prepare(grpc::ClientContext* context, absl::Duration deadline) const {
  if (deadline != absl::InfiniteDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  }
  if (!options_.token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", options_.token));
  }
}

absl::Status Client::Convert(const grpc::Status& status, absl::Duration deadline) const {
  absl::Status converted = FromGrpcStatus(status);
  switch (converted.code()) {
    case absl::StatusCode::kUnavailable: {
      const std::string hint = HandshakeHint(
          converted.message(),
          {.tls = !options_.ca_file.empty(), .client_certificate = !options_.cert_file.empty()});
      if (!hint.empty()) {
        return absl::UnavailableError(absl::StrCat("cannot talk to ", options_.address, ": ", hint,
                                                   " (gRPC said: ", converted.message(), ")"));
      }
      return absl::UnavailableError(
          absl::StrCat("cannot reach ", options_.address, ": ", converted.message()));
    }
    case absl::StatusCode::kDeadlineExceeded:
      return absl::DeadlineExceededError(absl::StrCat("no answer from ", options_.address,
                                                      " within ", absl::FormatDuration(deadline),
                                                      ": ", converted.message()));
    default:
      return converted;
  }
}

template <typename Response, typename Call>
absl::StatusOr<Response> Client::Unary(const Call& call) const {
  grpc::ClientContext context;
  Prepare(&context, options_.deadline);
  Response response;
  grpc::Status status = call(&context, &response);
  if (!status.ok()) return Convert(status, options_.deadline);
  return response;
}

template <typename Response, typename Start>
absl::Status Client::ServerStream(const Start& start,
                                  const ChunkHandler<Response>& on_chunk) const {
  grpc::ClientContext context;
  Prepare(&context, options_.stream_deadline);
  std::unique_ptr<grpc::ClientReaderInterface<Response>> reader = start(&context);
  Response chunk;
  absl::Status stopped;
  while (reader->Read(&chunk)) {
    stopped = on_chunk(chunk);
    chunk.Clear();
    if (!stopped.ok()) {
      context.TryCancel();
      while (reader->Read(&chunk)) chunk.Clear();  // Finish wants the reads done
      break;
    }
  }
  grpc::Status status = reader->Finish();
  if (!stopped.ok()) return stopped;
  if (!status.ok()) return Convert(status, options_.stream_deadline);
  return absl::OkStatus();
}

// One line per RPC: the stub's synchronous method, wrapped by Unary.
#define PACTO_UNARY_RPC(Stub, Method, Request, Response)                           \
  absl::StatusOr<Response> Client::Method(const Request& request) const {          \
    if (absl::Status utf8 = CheckUtf8Fields(request); !utf8.ok()) return utf8;     \
    return Unary<Response>([&](grpc::ClientContext* context, Response* response) { \
      return Stub->Method(context, request, response);                             \
    });                                                                            \
  }

PACTO_UNARY_RPC(registry_, AddRegion, v1::AddRegionRequest, v1::Region)
PACTO_UNARY_RPC(registry_, GetRegion, v1::GetRegionRequest, v1::Region)
PACTO_UNARY_RPC(registry_, ListRegions, v1::ListRegionsRequest, v1::ListRegionsResponse)
PACTO_UNARY_RPC(registry_, AddChapter, v1::AddChapterRequest, v1::Chapter)
PACTO_UNARY_RPC(registry_, UpdateChapter, v1::UpdateChapterRequest, v1::Chapter)
PACTO_UNARY_RPC(registry_, GetChapter, v1::GetChapterRequest, v1::Chapter)
PACTO_UNARY_RPC(registry_, ListChapters, v1::ListChaptersRequest, v1::ListChaptersResponse)
PACTO_UNARY_RPC(registry_, Affiliate, v1::AffiliateRequest, v1::Affiliation)
PACTO_UNARY_RPC(registry_, Disaffiliate, v1::DisaffiliateRequest, v1::Affiliation)
PACTO_UNARY_RPC(registry_, GetAffiliation, v1::GetAffiliationRequest, v1::Affiliation)
PACTO_UNARY_RPC(registry_, EnrolMember, v1::EnrolMemberRequest, v1::Membership)
PACTO_UNARY_RPC(registry_, GetMember, v1::GetMemberRequest, v1::Membership)
PACTO_UNARY_RPC(registry_, ListMembers, v1::ListMembersRequest, v1::ListMembersResponse)
PACTO_UNARY_RPC(registry_, TransferMember, v1::TransferMemberRequest, v1::Membership)
PACTO_UNARY_RPC(registry_, EndMembership, v1::EndMembershipRequest, v1::Membership)
PACTO_UNARY_RPC(registry_, RemoveMember, v1::RemoveMemberRequest, v1::RemoveMemberResponse)
PACTO_UNARY_RPC(registry_, AppointOfficer, v1::AppointOfficerRequest, v1::OfficerTerm)
PACTO_UNARY_RPC(registry_, ListOfficers, v1::ListOfficersRequest, v1::ListOfficersResponse)
PACTO_UNARY_RPC(registry_, RecordFormation, v1::RecordFormationRequest, v1::FormationRecord)
PACTO_UNARY_RPC(registry_, ListFormation, v1::ListFormationRequest, v1::ListFormationResponse)
PACTO_UNARY_RPC(reports_, Summary, v1::SummaryRequest, v1::SummaryResponse)
PACTO_UNARY_RPC(reports_, Conflicts, v1::ConflictsRequest, v1::ConflictsResponse)
PACTO_UNARY_RPC(reports_, Regions, v1::RegionsRequest, v1::RegionsResponse)
PACTO_UNARY_RPC(reports_, Freshness, v1::FreshnessRequest, v1::FreshnessResponse)
PACTO_UNARY_RPC(admin_, Status, v1::StatusRequest, v1::StatusResponse)
PACTO_UNARY_RPC(admin_, Peers, v1::PeersRequest, v1::PeersResponse)
PACTO_UNARY_RPC(admin_, Sync, v1::SyncRequest, v1::SyncResponse)
PACTO_UNARY_RPC(admin_, Audit, v1::AuditRequest, v1::AuditResponse)
PACTO_UNARY_RPC(admin_, Events, v1::EventsRequest, v1::EventsResponse)
PACTO_UNARY_RPC(admin_, RevokeToken, v1::RevokeTokenRequest, v1::RevokeTokenResponse)
PACTO_UNARY_RPC(admin_, ListRevocations, v1::ListRevocationsRequest, v1::ListRevocationsResponse)

#undef PACTO_UNARY_RPC

absl::StatusOr<v1::BackupResponse> Client::Backup(const v1::BackupRequest& request) const {
  if (absl::Status utf8 = CheckUtf8Fields(request); !utf8.ok()) return utf8;
  grpc::ClientContext context;
  Prepare(&context, options_.stream_deadline);
  v1::BackupResponse response;
  grpc::Status status = admin_->Backup(&context, request, &response);
  if (!status.ok()) return Convert(status, options_.stream_deadline);
  return response;
}

// Two lines per server-streaming RPC: StreamMethod (chunk by chunk, via ServerStream)
// and Method (every chunk merged).
#define PACTO_STREAM_RPC(Stub, Method, Request, Response)                                        \
  absl::Status Client::Stream##Method(const Request& request,                                    \
                                      const ChunkHandler<Response>& on_chunk) const {            \
    if (absl::Status utf8 = CheckUtf8Fields(request); !utf8.ok()) return utf8;                   \
    return ServerStream<Response>(                                                               \
        [&](grpc::ClientContext* context) { return Stub->Method(context, request); }, on_chunk); \
  }                                                                                              \
  absl::StatusOr<Response> Client::Method(const Request& request) const {                        \
    MergeChunks<Response> all;                                                                   \
    if (absl::Status status = Stream##Method(request, all.Handler()); !status.ok()) {            \
      return status;                                                                             \
    }                                                                                            \
    return std::move(all.merged());                                                              \
  }

PACTO_STREAM_RPC(registry_, ExportMembers, v1::ExportMembersRequest, v1::ExportMembersResponse)
PACTO_STREAM_RPC(reports_, Tree, v1::TreeRequest, v1::TreeResponse)
PACTO_STREAM_RPC(reports_, Formation, v1::FormationRequest, v1::FormationResponse)
PACTO_STREAM_RPC(reports_, Vacancies, v1::VacanciesRequest, v1::VacanciesResponse)
PACTO_STREAM_RPC(reports_, Duplicates, v1::DuplicatesRequest, v1::DuplicatesResponse)

#undef PACTO_STREAM_RPC

absl::Status CheckImportRowSize(const v1::ImportRow& row) {
  const size_t bytes = row.ByteSizeLong();
  if (bytes <= Client::kMaxImportRowBytes) return absl::OkStatus();
  // Name the field that made it so big: an unclosed quote swallows the rest of the
  // file into one field.
  const std::pair<absl::string_view, const std::string*> fields[] = {
      {"chapter", &row.chapter()},
      {"name", &row.name()},
      {"national_id", &row.national_id()},
      {"birth_date", &row.birth_date()},
      {"since", &row.since()},
      {"membership_id", &row.membership_id()}};
  const auto* largest = &fields[0];
  for (const auto& field : fields) {
    if (field.second->size() > largest->second->size()) largest = &field;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      largest->first, ": ", largest->second->size(), " bytes; a member row may hold at most ",
      Client::kMaxImportRowBytes, " bytes (a quote left open in the file?)"));
}

absl::StatusOr<v1::ImportMembersResponse> Client::ImportMembers(
    const ImportRowSource& next_row, const ImportProgress& on_progress) const {
  grpc::ClientContext context;
  Prepare(&context, options_.import_deadline);
  v1::ImportMembersResponse response;
  std::unique_ptr<grpc::ClientWriterInterface<v1::ImportMembersRequest>> writer =
      registry_->ImportMembers(&context, &response);

  v1::ImportMembersRequest batch;
  size_t batch_bytes = 0;
  uint64_t rows_sent = 0;
  bool stream_ok = true;
  // Sends the batch; false once the stream is broken (Finish then says why).
  auto send = [&]() -> bool {
    if (batch.rows_size() == 0) return true;
    if (!writer->Write(batch)) return false;
    rows_sent += batch.rows_size();
    batch.Clear();
    batch_bytes = 0;
    if (on_progress) on_progress(rows_sent);
    return true;
  };

  // Rows a node could not even parse are refused here, by line, like the node would.
  std::vector<v1::RowError> local_errors;
  v1::ImportRow row;
  while (stream_ok && next_row(&row)) {
    absl::Status checked = CheckImportRowSize(row);
    if (checked.ok()) checked = CheckUtf8Fields(row);
    if (!checked.ok()) {
      v1::RowError& error = local_errors.emplace_back();
      error.set_line(row.line());
      error.set_code(absl::StatusCodeToString(checked.code()));
      error.set_message(std::string(checked.message()));
      row.Clear();
      continue;
    }
    batch_bytes += row.ByteSizeLong();
    *batch.add_rows() = std::move(row);
    row.Clear();
    if (batch.rows_size() >= kImportBatchRows || batch_bytes >= kImportBatchBytes) {
      stream_ok = send();
    }
  }
  if (stream_ok) stream_ok = send();
  if (stream_ok) writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return Convert(status, options_.import_deadline);
  const bool stopped = response.has_stopped();
  // A node that stopped early read fewer rows than were sent, and said so; otherwise
  // every row sent must be accounted for.
  if ((!stream_ok && !stopped) ||
      (stopped ? response.accepted() + response.rejected() > rows_sent
               : response.accepted() + response.rejected() != rows_sent)) {
    // The node closed the stream early yet reported success: rows are unaccounted for.
    return absl::DataLossError(
        absl::StrCat("the node accounted for ", response.accepted() + response.rejected(),
                     " of the ", rows_sent, " rows sent (", response.accepted(),
                     " imported); the rest may not have arrived, so check and import them again"));
  }
  for (v1::RowError& error : local_errors) *response.add_errors() = std::move(error);
  response.set_rejected(response.rejected() + local_errors.size());
  std::sort(response.mutable_errors()->begin(), response.mutable_errors()->end(),
            [](const v1::RowError& a, const v1::RowError& b) { return a.line() < b.line(); });
  return response;
}

}  // namespace pacto
