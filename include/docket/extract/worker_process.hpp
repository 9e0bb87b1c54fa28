#pragma once
// Extraction of untrusted documents in a supervised child process (`docket worker`), so a
// document that crashes, hangs or exhausts a parser costs one job, never the service.

#include <docket/core/units.hpp>
#include <docket/extract/extractor.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace docket::extract {

struct limits {
    duration timeout = std::chrono::seconds(120);    //!< wall clock for one document
    duration cpu = std::chrono::seconds(120);        //!< CPU time for one document (whole seconds)
    std::uint64_t memory = 2ull << 30;               //!< address space of a worker process
};

struct document_request {
    std::string_view bytes;
    std::string media_type;
    std::string document_type;
    options opt;
};

//! One worker process, owned by one extraction thread; started on first use and again after it
//! died or was killed.
class worker_process {
public:
    worker_process(std::string executable, const limits& l);
    ~worker_process(); //!< kills the child
    worker_process(const worker_process&) = delete;
    worker_process& operator=(const worker_process&) = delete;

    //! Extracts in the child. Besides the extractor's own errors: EXTRACTION_TIMEOUT (killed at
    //! the deadline), EXTRACTION_CRASHED (the child died), RESOURCE_LIMIT (CPU or memory limit).
    //! `progress` hears (pages done, pages in the document) while the child works.
    outcome<extraction> run(const document_request& r,
                            const std::function<void(std::int64_t, std::int64_t)>& progress = {});
    //! The child's pid, or -1 when none is running.
    pid_t pid() const { return pid_; }

private:
    bool spawn();
    void reap(bool kill_first);
    std::string executable_;
    limits limits_;
    pid_t pid_ = -1;
    int fd_ = -1;
    int last_status_ = 0;
};

//! The child side (`docket worker`): serves extraction requests on `fd` until it closes.
int worker_main(int fd);

} // namespace docket::extract
