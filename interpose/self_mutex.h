// A mutex of the interposer's own. Locked through the C library's functions found past this library
// (dlsym RTLD_NEXT), so that it does not go through the interposer's pthread_mutex_lock wrapper
// (thread_sync.cpp): that wrapper looks its caller up to see it is not the program's (about 80
// instructions per lock and unlock), and these locks are taken on the hot calls (a request made,
// waited for and forgotten takes three).
#pragma once

#include <dlfcn.h>
#include <pthread.h>

namespace rmacheck {

class SelfMutex {
 public:
  SelfMutex() = default;
  SelfMutex(const SelfMutex&) = delete;
  SelfMutex& operator=(const SelfMutex&) = delete;
  void lock() { fns().lock(&m_); }
  bool try_lock() { return fns().try_lock(&m_) == 0; }
  void unlock() { fns().unlock(&m_); }

 private:
  using Fn = int (*)(pthread_mutex_t*);
  struct Fns {
    Fn lock, try_lock, unlock;
  };
  static Fn next(const char* name, Fn fallback) {
    auto f = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
    return f ? f : fallback;
  }
  static const Fns& fns() {
    static const Fns f{next("pthread_mutex_lock", pthread_mutex_lock),
                       next("pthread_mutex_trylock", pthread_mutex_trylock),
                       next("pthread_mutex_unlock", pthread_mutex_unlock)};
    return f;
  }
  pthread_mutex_t m_ = PTHREAD_MUTEX_INITIALIZER;
};

}  // namespace rmacheck
