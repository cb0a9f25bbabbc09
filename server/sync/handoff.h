// Hand-overs that ThreadSanitizer cannot see. Debian's gRPC is not built with
// ThreadSanitizer, so when gRPC passes an object of podmeta's from one of its
// threads to another (an interceptor made on one event thread and run on the
// next), the order between the two is invisible to TSan, which would report
// a race that is none. Code that receives such an object says so:
//
//   HandOver(this);  // on the way out: everything written so far ...
//   TakeOver(this);  // ... is seen by the next thread that takes it over
//
// In any build without ThreadSanitizer both are empty and cost nothing.
#pragma once

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PODMETA_TSAN_BUILD 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define PODMETA_TSAN_BUILD 1
#endif

#ifdef PODMETA_TSAN_BUILD
#include <sanitizer/tsan_interface.h>
#endif

namespace podmeta::sync {

inline void HandOver([[maybe_unused]] const void* object) {
#ifdef PODMETA_TSAN_BUILD
  __tsan_release(const_cast<void*>(object));
#endif
}

inline void TakeOver([[maybe_unused]] const void* object) {
#ifdef PODMETA_TSAN_BUILD
  __tsan_acquire(const_cast<void*>(object));
#endif
}

}  // namespace podmeta::sync
