#pragma once
// A tiny thread-safe logger: one line per event on stderr, "time level message".

#include <string_view>

namespace docket::log {

enum class level { debug, info, warn, error };

void set_level(level l);
bool enabled(level l);
void write(level l, std::string_view message);

inline void debug(std::string_view m) { if (enabled(level::debug)) write(level::debug, m); }
inline void info(std::string_view m) { write(level::info, m); }
inline void warn(std::string_view m) { write(level::warn, m); }
inline void error(std::string_view m) { write(level::error, m); }

} // namespace docket::log
