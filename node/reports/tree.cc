#include "node/reports/tree.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/levels.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"
#include "node/store/tallies.h"

namespace pacto {
namespace {

// One chapter, addressed by its position in the scan (ids in key order).
struct Node {
  std::string id;
  v1::Chapter chapter;
  int parent = -1;
  std::vector<int> children;
  uint32_t memberships = 0;
  uint32_t subtree_memberships = 0;
  uint32_t subtree_chapters = 0;
};

// Decodes the winning value of every live record of `type`.
template <typename T>
absl::Status ScanLive(const ReadView& view, v1::RecordType type,
                      const std::function<void(const std::string&, T&)>& fn) {
  absl::Status bad;
  PACTO_RETURN_IF_ERROR(
      view.Scan(view.db().records(), RecordTypePrefix(type), "",
                [&](absl::string_view id, absl::string_view value) {
                  v1::RecordState state;
                  if (!state.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                    bad = absl::DataLossError("malformed record");
                    return false;
                  }
                  T record;
                  absl::StatusOr<bool> live = DecodeWinner(state, &record);
                  if (!live.ok()) {
                    bad = live.status();
                    return false;
                  }
                  if (*live) fn(std::string(id), record);
                  return true;
                }));
  return bad;
}

}  // namespace

absl::Status BuildTree(const ReportContext& ctx, const v1::TreeRequest& request,
                       const std::function<bool(const v1::TreeResponse&)>& emit, int chunk_rows) {
  if (request.depth() < 0) return absl::InvalidArgumentError("depth: must not be negative");
  ReadView view(ctx.db);
  v1::TreeResponse chunk;
  PACTO_ASSIGN_OR_RETURN(*chunk.mutable_header(), BuildHeader(ctx, view, request.stale_after()));

  // Chapters in id order, looked up by id through `index`; everything after works
  // on positions (the tree of 50,000 chapters is built in memory every call).
  std::vector<Node> nodes;
  PACTO_RETURN_IF_ERROR(ScanLive<v1::Chapter>(view, v1::RECORD_TYPE_CHAPTER,
                                              [&](const std::string& id, v1::Chapter& c) {
                                                Node& node = nodes.emplace_back();
                                                node.id = id;
                                                node.chapter = std::move(c);
                                              }));
  const int n = static_cast<int>(nodes.size());
  absl::flat_hash_map<absl::string_view, int> index;
  index.reserve(nodes.size());
  for (int i = 0; i < n; ++i) index.emplace(nodes[i].id, i);
  auto find = [&](absl::string_view id) {
    auto it = index.find(id);
    return it == index.end() ? -1 : it->second;
  };
  PACTO_RETURN_IF_ERROR(ScanLive<v1::Affiliation>(
      view, v1::RECORD_TYPE_AFFILIATION, [&](const std::string& id, v1::Affiliation& a) {
        if (a.status() != "active" || a.parent() == id) return;
        const int child = find(id), parent = find(a.parent());
        if (child >= 0 && parent >= 0) nodes[child].parent = parent;
      }));
  PACTO_RETURN_IF_ERROR(
      view.Scan(ctx.db->tallies(), "c", "", [&](absl::string_view id, absl::string_view value) {
        const int i = find(id);
        v1::ChapterTally tally;
        if (i >= 0 && tally.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          nodes[i].memberships = tally.active_memberships();
        }
        return true;
      }));
  for (int i = 0; i < n; ++i) {
    if (nodes[i].parent >= 0) nodes[nodes[i].parent].children.push_back(i);
  }
  auto by_name = [&](int a, int b) {
    return std::tie(nodes[a].chapter.name(), nodes[a].id) <
           std::tie(nodes[b].chapter.name(), nodes[b].id);
  };
  for (Node& node : nodes) std::sort(node.children.begin(), node.children.end(), by_name);

  // Roots: the one asked for, or every pact and then every top of a broken chain.
  int root = -1;
  std::vector<int> pacts, broken_tops;
  if (!request.root().empty()) {
    root = find(request.root());
    if (root < 0) {
      return absl::NotFoundError(absl::StrCat("root: no chapter '", request.root(), "'"));
    }
  } else {
    for (int i = 0; i < n; ++i) {
      if (nodes[i].parent >= 0) continue;
      (nodes[i].chapter.level() == kPactLevel ? pacts : broken_tops).push_back(i);
    }
    std::sort(pacts.begin(), pacts.end(), by_name);
    std::sort(broken_tops.begin(), broken_tops.end(), by_name);
  }

  // Subtree sums, children before parents; `summed` cuts any cycle a merge could make.
  std::vector<char> summed(n, 0);
  std::function<void(int)> sum = [&](int i) {
    if (summed[i]) return;
    summed[i] = 1;
    Node& node = nodes[i];
    node.subtree_memberships = node.memberships;
    node.subtree_chapters = 1;
    for (int child : node.children) {
      sum(child);
      node.subtree_memberships += nodes[child].subtree_memberships;
      node.subtree_chapters += nodes[child].subtree_chapters;
    }
  };

  // Marks `from` and everything below it in `marks`.
  auto mark_below = [&](int from, std::vector<char>* marks) {
    std::vector<int> stack = {from};
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      if ((*marks)[i]) continue;
      (*marks)[i] = 1;
      for (int child : nodes[i].children) stack.push_back(child);
    }
  };
  // A chapter is broken unless its chain reaches a pact.
  std::vector<char> reaches_pact(n, 0);
  for (int i = 0; i < n; ++i) {
    if (nodes[i].parent < 0 && nodes[i].chapter.level() == kPactLevel) {
      mark_below(i, &reaches_pact);
    }
  }

  int rows = 0;
  bool gone = false;
  std::vector<char> emitted(n, 0);
  std::function<void(int, uint32_t)> visit = [&](int i, uint32_t depth) {
    if (gone || emitted[i]) return;
    emitted[i] = 1;
    if (request.depth() > 0 && depth > static_cast<uint32_t>(request.depth())) return;
    const Node& node = nodes[i];
    v1::TreeRow* row = chunk.add_rows();
    row->set_id(node.id);
    row->set_name(node.chapter.name());
    row->set_level(node.chapter.level());
    row->set_region(node.chapter.region());
    if (node.parent >= 0) row->set_parent(nodes[node.parent].id);
    row->set_depth(depth);
    row->set_active_memberships(node.memberships);
    row->set_subtree_active_memberships(node.subtree_memberships);
    row->set_subtree_chapters(node.subtree_chapters);
    row->set_broken(!reaches_pact[i]);
    if (++rows % chunk_rows == 0) {
      gone = !emit(chunk);
      chunk.Clear();
    }
    for (int child : node.children) visit(child, depth + 1);
  };
  // Every chapter under a listed root, however deep: what the depth limit leaves out
  // is still placed, and must not come back as a root of its own.
  std::vector<char> reached(n, 0);
  std::vector<int> roots;
  if (root >= 0) {
    roots.push_back(root);
  } else {
    roots = pacts;
    roots.insert(roots.end(), broken_tops.begin(), broken_tops.end());
    // Chapters caught in a cycle have no top; their sums are needed as well.
    for (int i = 0; i < n; ++i) sum(i);
  }
  for (int r : roots) {
    sum(r);
    mark_below(r, &reached);
    visit(r, 0);
  }
  if (root < 0) {
    // Only a cycle (which no single node lets anyone write) leaves chapters unreached.
    std::vector<int> rest;
    for (int i = 0; i < n; ++i) {
      if (!reached[i]) rest.push_back(i);
    }
    std::sort(rest.begin(), rest.end(), by_name);
    for (int i : rest) {
      if (reached[i]) continue;
      mark_below(i, &reached);
      visit(i, 0);
    }
  }
  if (gone) return absl::CancelledError("the caller went away");
  if (chunk.rows_size() > 0 || chunk.has_header()) {
    if (!emit(chunk)) return absl::CancelledError("the caller went away");
  }
  return absl::OkStatus();
}

}  // namespace pacto
