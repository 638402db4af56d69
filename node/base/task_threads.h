// Threads for work that must not run on an RPC thread (a backup, a sync round), owned
// so that nothing they touch is freed under them: Stop() refuses new tasks and joins
// every thread started, and the destructor stops too. A finished task's thread is
// joined the next time a task starts, so the threads never pile up.
//
// Example (a callback handler):
//   if (!tasks_.Start([this, reactor] { reactor->Finish(Work()); }))
//     reactor->Finish(grpc::Status(grpc::UNAVAILABLE, "shutting down"));
//
// Thread-safe. A task must not call Stop() or destroy its TaskThreads.
#ifndef PACTO_NODE_BASE_TASK_THREADS_H_
#define PACTO_NODE_BASE_TASK_THREADS_H_

#include <functional>
#include <list>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace pacto {

class TaskThreads {
 public:
  TaskThreads() = default;
  ~TaskThreads() { Stop(); }
  TaskThreads(const TaskThreads&) = delete;
  TaskThreads& operator=(const TaskThreads&) = delete;

  // Runs `task` on a thread of its own; false (and `task` is not run) after Stop.
  bool Start(std::function<void()> task) ABSL_LOCKS_EXCLUDED(mu_);

  // Refuses new tasks and waits for every running one. Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Task {
    std::thread thread;
    bool done = false;
  };
  // Takes the threads of finished tasks out of the list, for joining.
  std::vector<std::thread> TakeFinished() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::list<Task> tasks_ ABSL_GUARDED_BY(mu_);  // std::list: a task keeps its address
};

}  // namespace pacto

#endif  // PACTO_NODE_BASE_TASK_THREADS_H_
