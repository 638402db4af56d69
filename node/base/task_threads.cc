#include "node/base/task_threads.h"

#include <utility>

namespace pacto {

std::vector<std::thread> TaskThreads::TakeFinished() {
  std::vector<std::thread> finished;
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    if (!it->done) {
      ++it;
      continue;
    }
    finished.push_back(std::move(it->thread));
    it = tasks_.erase(it);
  }
  return finished;
}

bool TaskThreads::Start(std::function<void()> task) {
  std::vector<std::thread> finished;
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return false;
    finished = TakeFinished();
    Task* slot = &tasks_.emplace_back();
    // The thread marks its own slot done as its last act; the lock is held until the
    // slot's thread member is set, so the mark never races the assignment.
    slot->thread = std::thread([this, slot, task = std::move(task)] {
      task();
      absl::MutexLock done(&mu_);
      slot->done = true;
    });
  }
  for (std::thread& thread : finished) thread.join();
  return true;
}

void TaskThreads::Stop() {
  std::list<Task> running;
  {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
    running.swap(tasks_);
  }
  // A task still running marks its slot in `running`, which lives until it is joined.
  for (Task& task : running) task.thread.join();
}

}  // namespace pacto
