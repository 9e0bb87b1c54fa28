#include <docket/core/thread.hpp>

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace docket {

void name_this_thread(const char* name) {
    // pthread_setname_np refuses names over 15 characters instead of cutting them.
    const std::string cut(name, std::min<std::size_t>(std::strlen(name), 15));
    pthread_setname_np(pthread_self(), cut.c_str());
}

void nice_this_thread(unsigned nice) {
    // The kernel caps niceness at 19.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), static_cast<int>(nice));
}

} // namespace docket
