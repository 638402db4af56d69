#include "node/reports/tree.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/levels.h"
#include "node/reports/chunked_stream.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"
#include "node/store/tallies.h"

namespace pacto {
namespace {

// One chapter of the forest, addressed by its position in the scan (ids in key order).
struct ChapterNode {
  std::string id;
  v1::Chapter chapter;
  int parent = -1;
  std::vector<int> children;  // sorted by name, then id
  uint32_t memberships = 0;
  uint32_t subtree_memberships = 0;
  uint32_t subtree_chapters = 0;
};

// Every live chapter with its active parent and its own active memberships, and the
// sums of each subtree: the whole affiliation forest in memory, built from three
// sequential scans.
class ChapterForest {
 public:
  absl::Status Load(const ReadView& view) {
    PACTO_RETURN_IF_ERROR(LoadChapters(view));
    PACTO_RETURN_IF_ERROR(LoadAffiliations(view));
    PACTO_RETURN_IF_ERROR(LoadTallies(view));
    LinkChildren();
    MarkWhatReachesAPact();
    return absl::OkStatus();
  }

  int size() const { return static_cast<int>(nodes_.size()); }
  const ChapterNode& node(int i) const { return nodes_[i]; }
  bool reaches_pact(int i) const { return reaches_pact_[i] != 0; }

  // The position of chapter `id`, or -1.
  int Find(absl::string_view id) const {
    auto it = index_.find(id);
    return it == index_.end() ? -1 : it->second;
  }

  // The roots of the whole forest: every pact, then the top of every broken chain,
  // each group by name.
  std::vector<int> Roots() const {
    std::vector<int> pacts, broken_tops;
    for (int i = 0; i < size(); ++i) {
      if (nodes_[i].parent >= 0) continue;
      (nodes_[i].chapter.level() == kPactLevel ? pacts : broken_tops).push_back(i);
    }
    SortByName(&pacts);
    SortByName(&broken_tops);
    pacts.insert(pacts.end(), broken_tops.begin(), broken_tops.end());
    return pacts;
  }

  // Fills the subtree sums of `i` and everything below it, children first; a node is
  // summed once, which also cuts any cycle a merge could make.
  void SumSubtree(int i) {
    if (summed_.empty()) summed_.assign(nodes_.size(), 0);
    if (summed_[i]) return;
    summed_[i] = 1;
    ChapterNode& node = nodes_[i];
    node.subtree_memberships = node.memberships;
    node.subtree_chapters = 1;
    for (int child : node.children) {
      SumSubtree(child);
      node.subtree_memberships += nodes_[child].subtree_memberships;
      node.subtree_chapters += nodes_[child].subtree_chapters;
    }
  }

  // Marks `from` and everything below it in `marks`.
  void MarkBelow(int from, std::vector<char>* marks) const {
    std::vector<int> stack = {from};
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      if ((*marks)[i]) continue;
      (*marks)[i] = 1;
      for (int child : nodes_[i].children) stack.push_back(child);
    }
  }

  void SortByName(std::vector<int>* positions) const {
    std::sort(positions->begin(), positions->end(), [&](int a, int b) {
      return std::tie(nodes_[a].chapter.name(), nodes_[a].id) <
             std::tie(nodes_[b].chapter.name(), nodes_[b].id);
    });
  }

 private:
  absl::Status LoadChapters(const ReadView& view) {
    PACTO_RETURN_IF_ERROR(
        ScanLive<v1::Chapter>(view, v1::RECORD_TYPE_CHAPTER, "",
                              [&](absl::string_view id, v1::Chapter& c) -> absl::StatusOr<bool> {
                                ChapterNode& node = nodes_.emplace_back();
                                node.id = std::string(id);
                                node.chapter = std::move(c);
                                return true;
                              }));
    index_.reserve(nodes_.size());
    for (int i = 0; i < size(); ++i) index_.emplace(nodes_[i].id, i);
    return absl::OkStatus();
  }

  absl::Status LoadAffiliations(const ReadView& view) {
    return ScanLive<v1::Affiliation>(
        view, v1::RECORD_TYPE_AFFILIATION, "",
        [&](absl::string_view id, v1::Affiliation& a) -> absl::StatusOr<bool> {
          if (a.status() != "active" || a.parent() == id) return true;
          const int child = Find(id), parent = Find(a.parent());
          if (child >= 0 && parent >= 0) nodes_[child].parent = parent;
          return true;
        });
  }

  absl::Status LoadTallies(const ReadView& view) {
    return view.ScanChecked(
        view.db().tallies(), "c", "",
        [&](absl::string_view id, absl::string_view value) -> absl::StatusOr<bool> {
          const int i = Find(id);
          if (i < 0) return true;
          v1::ChapterTally tally;
          if (!tally.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            // A count the report cannot read is lost data, not zero members.
            return absl::DataLossError(absl::StrCat("malformed tally of chapter ", id));
          }
          nodes_[i].memberships = tally.active_memberships();
          return true;
        });
  }

  void LinkChildren() {
    for (int i = 0; i < size(); ++i) {
      if (nodes_[i].parent >= 0) nodes_[nodes_[i].parent].children.push_back(i);
    }
    for (ChapterNode& node : nodes_) SortByName(&node.children);
  }

  // A chapter is broken unless its chain reaches a pact.
  void MarkWhatReachesAPact() {
    reaches_pact_.assign(nodes_.size(), 0);
    for (int i = 0; i < size(); ++i) {
      if (nodes_[i].parent < 0 && nodes_[i].chapter.level() == kPactLevel) {
        MarkBelow(i, &reaches_pact_);
      }
    }
  }

  std::vector<ChapterNode> nodes_;
  absl::flat_hash_map<absl::string_view, int> index_;  // views into nodes_[i].id
  std::vector<char> reaches_pact_;
  std::vector<char> summed_;
};

// Writes rows depth first, each chapter at most once, onto a chunked stream.
class TreeWriter {
 public:
  TreeWriter(const ChapterForest& forest, int max_depth, ChunkedStream<v1::TreeResponse>* out)
      : forest_(forest), max_depth_(max_depth), out_(out), emitted_(forest.size(), 0) {}

  void Visit(int i, uint32_t depth) {
    if (!status_.ok() || emitted_[i]) return;
    emitted_[i] = 1;
    if (max_depth_ > 0 && depth > static_cast<uint32_t>(max_depth_)) return;
    AddRow(i, depth);
    for (int child : forest_.node(i).children) Visit(child, depth + 1);
  }

  // Sends what is left; CANCELLED when the caller went away at any point.
  absl::Status Finish() { return status_.ok() ? out_->Finish() : status_; }

 private:
  void AddRow(int i, uint32_t depth) {
    const ChapterNode& node = forest_.node(i);
    v1::TreeRow* row = out_->chunk().add_rows();
    row->set_id(node.id);
    row->set_name(node.chapter.name());
    row->set_level(node.chapter.level());
    row->set_region(node.chapter.region());
    if (node.parent >= 0) row->set_parent(forest_.node(node.parent).id);
    row->set_depth(depth);
    row->set_active_memberships(node.memberships);
    row->set_subtree_active_memberships(node.subtree_memberships);
    row->set_subtree_chapters(node.subtree_chapters);
    row->set_broken(!forest_.reaches_pact(i));
    status_ = out_->RowAdded();
  }

  const ChapterForest& forest_;
  const int max_depth_;
  ChunkedStream<v1::TreeResponse>* const out_;
  std::vector<char> emitted_;
  absl::Status status_;
};

// Every chapter under each root, however deep: what the depth limit leaves out is
// still placed, and must not come back as a root of its own. Without a root asked
// for, chapters that no root reaches (only a cycle, which no single node lets anyone
// write, leaves any) follow, by name.
void WriteForest(ChapterForest& forest, int root, TreeWriter* writer) {
  std::vector<char> reached(forest.size(), 0);
  auto write_from = [&](int r) {
    forest.SumSubtree(r);
    forest.MarkBelow(r, &reached);
    writer->Visit(r, 0);
  };
  if (root >= 0) {
    write_from(root);
    return;
  }
  // Chapters caught in a cycle have no top; their sums are needed as well.
  for (int i = 0; i < forest.size(); ++i) forest.SumSubtree(i);
  for (int r : forest.Roots()) write_from(r);
  std::vector<int> rest;
  for (int i = 0; i < forest.size(); ++i) {
    if (!reached[i]) rest.push_back(i);
  }
  forest.SortByName(&rest);
  for (int i : rest) {
    if (!reached[i]) write_from(i);
  }
}

}  // namespace

absl::Status BuildTree(const ReportContext& ctx, const v1::TreeRequest& request,
                       const std::function<bool(const v1::TreeResponse&)>& emit, int chunk_rows) {
  if (request.depth() < 0) return absl::InvalidArgumentError("depth: must not be negative");
  ReadView view(ctx.db);
  ChunkedStream<v1::TreeResponse> out(emit, chunk_rows);
  PACTO_ASSIGN_OR_RETURN(*out.chunk().mutable_header(),
                         BuildHeader(ctx, view, request.stale_after()));
  ChapterForest forest;
  PACTO_RETURN_IF_ERROR(forest.Load(view));
  int root = -1;
  if (!request.root().empty()) {
    root = forest.Find(request.root());
    if (root < 0) {
      return absl::NotFoundError(absl::StrCat("root: no chapter '", request.root(), "'"));
    }
  }
  TreeWriter writer(forest, request.depth(), &out);
  WriteForest(forest, root, &writer);
  return writer.Finish();
}

}  // namespace pacto
