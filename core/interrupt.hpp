#pragma once
// Cooperative cancellation. cli/ installs the signal handlers and calls
// request_interrupt(); long-running loops in core/ call check_interrupted()
// between units of work so that destructors (temp-file cleanup, lock release)
// run on the way out.
namespace mlops {

void request_interrupt() noexcept;  // async-signal-safe
bool interrupt_requested() noexcept;
void check_interrupted();  // throws Error(Errc::interrupted)

}  // namespace mlops
