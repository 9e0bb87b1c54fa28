#pragma once
// The local admin channel: HTTP on a Unix socket in the data directory (mode 0600, so only the
// service's own user reaches it), for commands that act on a running service. `docket backup`
// is its first user: POST /v1/admin/backup {"dir": "/abs/path"}.

#include <docket/store/store.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <string>

namespace docket::app {

//! The socket's path for a data dir.
std::filesystem::path admin_socket(const std::filesystem::path& data_dir);

//! A checkpoint of `st` in `dest` with its manifest (BACKUP.json): what `docket backup` makes,
//! through the channel or, with the service stopped, directly.
store::checkpoint_info backup_to(store::store& st, const std::filesystem::path& dest);

class admin_channel {
public:
    admin_channel(boost::asio::io_context& io, store::store& st);
    ~admin_channel();
    //! Binds the socket (replacing a stale one: the store's lock says no other docket uses this
    //! data dir) and accepts; false, with a warning logged, if it cannot.
    bool start(const std::filesystem::path& socket_path);
    //! No new requests (the socket is removed).
    void stop();
    //! stop(), and waits for a backup still running: before the store closes.
    void close();

private:
    boost::asio::io_context& io_;
    store::store& store_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    boost::asio::thread_pool work_{1}; //!< backups run here, not on the I/O or store-read threads
    std::filesystem::path path_;
};

} // namespace docket::app
