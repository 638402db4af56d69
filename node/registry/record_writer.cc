#include "node/registry/record_writer.h"

namespace pacto {
namespace {

absl::Status Emit(WriteContext& ctx, v1::RecordType type, const std::string& id, v1::Op::Kind kind,
                  std::string value, const std::string& home_region) {
  v1::Op op;
  op.set_type(type);
  op.set_id(id);
  op.set_kind(kind);
  op.set_value(std::move(value));
  op.set_home_region(home_region);
  return ctx.Emit(std::move(op));
}

}  // namespace

absl::Status EmitPut(WriteContext& ctx, v1::RecordType type, const std::string& id,
                     const google::protobuf::MessageLite& value, const std::string& home_region) {
  return Emit(ctx, type, id, v1::Op::PUT, value.SerializeAsString(), home_region);
}

absl::Status EmitErase(WriteContext& ctx, v1::RecordType type, const std::string& id,
                       const std::string& home_region) {
  return Emit(ctx, type, id, v1::Op::ERASE, "", home_region);
}

}  // namespace pacto
