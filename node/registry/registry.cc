#include "node/registry/registry.h"

namespace pacto {

Registry::Registry(Database* db, CommitPipeline* pipeline, FederationKey key, const Clock* clock)
    : db_(db), pipeline_(pipeline), key_(std::move(key)), clock_(clock) {}

void Registry::Submit(CommitPipeline::Work work, const std::string& principal, Done done,
                      size_t rows) {
  pipeline_->Submit(std::move(work), principal, std::move(done), rows);
}

}  // namespace pacto
