#include "client/demo/demo_loader.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/status_macros.h"

namespace pacto::demo {
namespace {

// `status` with `context` in front of its message, code unchanged.
absl::Status WithContext(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

// Runs fn(0) .. fn(n - 1) on up to `threads` threads and returns the first error; once
// one call fails no new ones start.
absl::Status ForEachParallel(int n, int threads, const std::function<absl::Status(int)>& fn) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  struct FirstError {
    absl::Mutex mu;
    absl::Status status ABSL_GUARDED_BY(mu);
  } first_error;
  auto work = [&] {
    for (int i = next++; i < n && !failed.load(); i = next++) {
      absl::Status status = fn(i);
      if (status.ok()) continue;
      failed = true;
      absl::MutexLock lock(&first_error.mu);
      if (first_error.status.ok()) first_error.status = std::move(status);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::min(threads, n); ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
  absl::MutexLock lock(&first_error.mu);
  return first_error.status;
}

// Groups indices by depth in a forest given as parent indices (-1 for roots), so each
// group can be written in parallel once the one before it is done.
template <typename ParentOf>
std::vector<std::vector<int>> Waves(int n, const ParentOf& parent_of) {
  std::vector<int> depth(n, 0);
  std::vector<std::vector<int>> waves;
  for (int i = 0; i < n; ++i) {
    const int parent = parent_of(i);
    depth[i] = parent < 0 ? 0 : depth[parent] + 1;  // parents come first
    if (static_cast<int>(waves.size()) <= depth[i]) waves.resize(depth[i] + 1);
    waves[depth[i]].push_back(i);
  }
  return waves;
}

// How a person is found again among a chapter's members after the import.
std::string PersonKey(const std::string& national_id, const std::string& name,
                      const std::string& birth_date) {
  return national_id.empty() ? absl::StrCat(name, "|", birth_date) : national_id;
}

void Progress(const LoadOptions& options, const std::string& line) {
  if (options.progress != nullptr) *options.progress << "  " << line << std::endl;
}

std::string Seconds(absl::Duration d) { return absl::StrFormat("%.1fs", absl::ToDoubleSeconds(d)); }

// `max_levels` > 0 stops after that many levels of the tree.
absl::Status LoadRegions(const Client& client, const DemoFederation& demo,
                         const LoadOptions& options, LoadResult* result, int max_levels = 0) {
  std::map<std::string, int> index;
  for (size_t i = 0; i < demo.regions.size(); ++i) index[demo.regions[i].code] = i;
  const auto waves = Waves(static_cast<int>(demo.regions.size()), [&](int i) {
    const std::string& parent = demo.regions[i].parent;
    return parent.empty() ? -1 : index.at(parent);
  });
  std::atomic<int> created{0}, existing{0};
  int level = 0;
  for (const std::vector<int>& wave : waves) {
    if (max_levels > 0 && ++level > max_levels) break;
    PACTO_RETURN_IF_ERROR(
        ForEachParallel(static_cast<int>(wave.size()), options.parallel_calls, [&](int k) {
          const DemoRegion& r = demo.regions[wave[k]];
          v1::AddRegionRequest request;
          request.mutable_region()->set_code(r.code);
          request.mutable_region()->set_name(r.name);
          request.mutable_region()->set_level(r.level);
          request.mutable_region()->set_parent(r.parent);
          absl::StatusOr<v1::Region> added = client.AddRegion(request);
          if (added.ok()) {
            created++;
          } else if (absl::IsAlreadyExists(added.status())) {
            existing++;
          } else {
            return WithContext(added.status(), absl::StrCat("region ", r.code));
          }
          return absl::OkStatus();
        }));
  }
  result->regions_created = created;
  result->regions_existing = existing;
  return absl::OkStatus();
}

absl::Status LoadChapters(const Client& client, const DemoFederation& demo,
                          const LoadOptions& options, LoadResult* result) {
  result->chapter_ids.assign(demo.chapters.size(), "");
  const auto waves =
      Waves(static_cast<int>(demo.chapters.size()), [&](int i) { return demo.chapters[i].parent; });
  for (const std::vector<int>& wave : waves) {
    PACTO_RETURN_IF_ERROR(
        ForEachParallel(static_cast<int>(wave.size()), options.parallel_calls, [&](int k) {
          const DemoChapter& c = demo.chapters[wave[k]];
          v1::AddChapterRequest request;
          request.set_name(c.name);
          request.set_level(c.level);
          request.set_region(c.region);
          request.set_sector(c.sector);
          request.set_founded(c.founded);
          if (c.parent >= 0) request.set_parent(result->chapter_ids[c.parent]);
          absl::StatusOr<v1::Chapter> added = client.AddChapter(request);
          if (!added.ok())
            return WithContext(added.status(), absl::StrCat("chapter '", c.name, "'"));
          // Each index is written by one thread only, and read after the wave is joined.
          result->chapter_ids[wave[k]] = added->id();
          return absl::OkStatus();
        }));
  }
  return absl::OkStatus();
}

absl::Status ImportMembers(const Client& client, const DemoFederation& demo, LoadResult* result) {
  const absl::Time start = absl::Now();
  size_t next = 0;
  absl::StatusOr<v1::ImportMembersResponse> response =
      client.ImportMembers([&](v1::ImportRow* row) {
        if (next == demo.memberships.size()) return false;
        const DemoMembership& m = demo.memberships[next];
        const DemoPerson& person = demo.persons[m.person];
        row->set_line(next + 1);
        row->set_chapter(result->chapter_ids[m.chapter]);
        row->set_name(person.name);
        row->set_national_id(person.national_id);
        row->set_birth_date(person.birth_date);
        ++next;
        return true;
      });
  if (!response.ok()) return WithContext(response.status(), "importing members");
  result->import_time = absl::Now() - start;
  result->memberships = response->accepted();
  if (response->rejected() > 0) {
    const v1::RowError& first = response->errors(0);
    return absl::InternalError(absl::StrCat("importing members: the node rejected ",
                                            response->rejected(), " rows; row ", first.line(), ": ",
                                            first.code(), ": ", first.message()));
  }
  return absl::OkStatus();
}

// The node's id of every membership in `wanted`, read back chapter by chapter.
absl::StatusOr<std::vector<std::string>> MembershipIds(const Client& client,
                                                       const DemoFederation& demo,
                                                       const std::set<int>& wanted,
                                                       const LoadOptions& options,
                                                       const LoadResult& result) {
  std::set<int> chapter_set;
  for (int m : wanted) chapter_set.insert(demo.memberships[m].chapter);
  const std::vector<int> chapters(chapter_set.begin(), chapter_set.end());
  // Per chapter (in `chapters` order): person key -> membership id.
  std::vector<absl::flat_hash_map<std::string, std::string>> found(chapters.size());
  PACTO_RETURN_IF_ERROR(
      ForEachParallel(static_cast<int>(chapters.size()), options.parallel_calls, [&](int k) {
        v1::ListMembersRequest request;
        request.set_chapter(result.chapter_ids[chapters[k]]);
        request.set_page_size(1000);
        do {
          absl::StatusOr<v1::ListMembersResponse> page = client.ListMembers(request);
          if (!page.ok()) {
            return WithContext(page.status(),
                               absl::StrCat("listing members of ", request.chapter()));
          }
          for (const v1::Membership& m : page->members()) {
            found[k][PersonKey(m.person().national_id(), m.person().name(),
                               m.person().birth_date())] = m.id();
          }
          request.set_page_token(page->next_page_token());
        } while (!request.page_token().empty());
        return absl::OkStatus();
      }));

  std::vector<std::string> ids(demo.memberships.size());
  for (int m : wanted) {
    const DemoMembership& membership = demo.memberships[m];
    const DemoPerson& person = demo.persons[membership.person];
    const size_t k =
        std::lower_bound(chapters.begin(), chapters.end(), membership.chapter) - chapters.begin();
    auto it = found[k].find(PersonKey(person.national_id, person.name, person.birth_date));
    if (it == found[k].end()) {
      return absl::InternalError(absl::StrCat("the membership of ", person.name, " in ",
                                              result.chapter_ids[membership.chapter],
                                              " is missing after the import"));
    }
    ids[m] = it->second;
  }
  return ids;
}

absl::Status LoadActivity(const Client& client, const DemoFederation& demo,
                          const LoadOptions& options, LoadResult* result) {
  std::set<int> wanted;
  for (const DemoOfficer& o : demo.officers) wanted.insert(o.membership);
  for (const DemoFormation& f : demo.formation) wanted.insert(f.membership);
  PACTO_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                         MembershipIds(client, demo, wanted, options, *result));

  std::atomic<int> officers{0};
  PACTO_RETURN_IF_ERROR(
      ForEachParallel(static_cast<int>(demo.officers.size()), options.parallel_calls, [&](int i) {
        const DemoOfficer& o = demo.officers[i];
        v1::AppointOfficerRequest request;
        request.set_chapter(result->chapter_ids[o.chapter]);
        request.set_member(ids[o.membership]);
        request.set_role(o.role);
        request.set_start_date(o.start_date);
        absl::Status status = client.AppointOfficer(request).status();
        if (!status.ok()) {
          return WithContext(status,
                             absl::StrCat("appointing the ", o.role, " of ", request.chapter()));
        }
        officers++;
        return absl::OkStatus();
      }));
  result->officers = officers;
  Progress(options, absl::StrCat("officers    ", result->officers, " terms"));

  std::atomic<int> formation{0};
  PACTO_RETURN_IF_ERROR(
      ForEachParallel(static_cast<int>(demo.formation.size()), options.parallel_calls, [&](int i) {
        const DemoFormation& f = demo.formation[i];
        v1::RecordFormationRequest request;
        request.set_member(ids[f.membership]);
        request.set_course(f.course);
        request.set_date(f.date);
        absl::Status status = client.RecordFormation(request).status();
        if (!status.ok()) {
          return WithContext(status, absl::StrCat("recording formation of ", request.member()));
        }
        formation++;
        return absl::OkStatus();
      }));
  result->formation = formation;
  Progress(options, absl::StrCat("formation   ", result->formation, " records"));
  return absl::OkStatus();
}

// "1 pact, 5 confederations, ..." from the highest level down.
std::string LevelCounts(const DemoFederation& demo) {
  static const auto* const order = new std::vector<std::pair<std::string, std::string>>{
      {"pact", "pact"},        {"confederation", "confederations"}, {"federation", "federations"},
      {"central", "centrals"}, {"subcentral", "subcentrals"},       {"sindicato", "sindicatos"}};
  std::vector<std::string> parts;
  for (const auto& [level, plural] : *order) {
    const auto n = std::count_if(demo.chapters.begin(), demo.chapters.end(),
                                 [&](const DemoChapter& c) { return c.level == level; });
    if (n > 0) parts.push_back(absl::StrCat(n, " ", n == 1 ? level : plural));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace

absl::StatusOr<bool> RegistryHasChapters(const Client& client) {
  PACTO_ASSIGN_OR_RETURN(v1::SummaryResponse summary, client.Summary(v1::SummaryRequest()));
  return summary.chapters() > 0;
}

absl::StatusOr<LoadResult> LoadDemoFederation(const Client& client, const DemoFederation& demo,
                                              const LoadOptions& options) {
  const absl::Time start = absl::Now();
  LoadResult result;
  PACTO_RETURN_IF_ERROR(LoadRegions(client, demo, options, &result));
  Progress(options, absl::StrCat("regions     ", result.regions_created, " created",
                                 result.regions_existing > 0
                                     ? absl::StrCat(", ", result.regions_existing, " already there")
                                     : ""));
  PACTO_RETURN_IF_ERROR(LoadChapters(client, demo, options, &result));
  Progress(options,
           absl::StrCat("chapters    ", demo.chapters.size(), " (", LevelCounts(demo), ")"));
  PACTO_RETURN_IF_ERROR(ImportMembers(client, demo, &result));
  Progress(options,
           absl::StrCat("members     ", result.memberships, " memberships of ", demo.persons.size(),
                        " people, imported in ", Seconds(result.import_time)));
  PACTO_RETURN_IF_ERROR(LoadActivity(client, demo, options, &result));
  result.elapsed = absl::Now() - start;
  return result;
}

absl::Status RunDemoRegions(const Client& client, const DemoOptions& demo_options,
                            RegionLevels levels, std::ostream& out) {
  const std::string& node = client.options().address;
  PACTO_ASSIGN_OR_RETURN(bool loaded, RegistryHasChapters(client));
  if (loaded) {
    out << "pacto-demo: " << node
        << " already has chapters; the demo is already loaded (nothing written)" << std::endl;
    return absl::OkStatus();
  }
  PACTO_ASSIGN_OR_RETURN(DemoFederation demo, GenerateDemoFederation(demo_options));
  LoadResult result;
  PACTO_RETURN_IF_ERROR(LoadRegions(client, demo, LoadOptions(), &result, levels.levels));
  out << "pacto-demo: regions of the first " << levels.levels << " levels into " << node << ": "
      << result.regions_created << " created, " << result.regions_existing << " already there"
      << std::endl;
  return absl::OkStatus();
}

absl::Status RunDemo(const Client& client, const DemoOptions& demo_options, std::ostream& out) {
  const std::string& node = client.options().address;
  PACTO_ASSIGN_OR_RETURN(bool loaded, RegistryHasChapters(client));
  if (loaded) {
    out << "pacto-demo: " << node
        << " already has chapters; the demo is already loaded (nothing written)" << std::endl;
    return absl::OkStatus();
  }
  PACTO_ASSIGN_OR_RETURN(DemoFederation demo, GenerateDemoFederation(demo_options));
  out << "pacto-demo: loading the demo federation into " << node << " (seed " << demo_options.seed
      << ", " << demo.persons.size() << " people)" << std::endl;
  LoadOptions options;
  options.progress = &out;
  PACTO_ASSIGN_OR_RETURN(LoadResult result, LoadDemoFederation(client, demo, options));

  const size_t doubles = demo.memberships.size() - demo.persons.size();
  out << "pacto-demo: loaded in " << Seconds(result.elapsed) << ": " << demo.chapters.size()
      << " chapters, " << demo.persons.size() << " people (" << doubles
      << " of them in two sindicatos), " << result.officers << " officers, " << result.formation
      << " formation records" << std::endl;
  for (size_t i = 0; i < demo.chapters.size(); ++i) {
    const DemoChapter& c = demo.chapters[i];
    if (c.expected_parent < 0) continue;
    out << "pacto-demo: not yet affiliated: " << c.name << " (" << result.chapter_ids[i]
        << ")\n            its members are active but not federation members; to affiliate it:\n"
        << "            pacto affiliate " << result.chapter_ids[i] << " "
        << result.chapter_ids[c.expected_parent] << std::endl;
  }
  return absl::OkStatus();
}

}  // namespace pacto::demo
