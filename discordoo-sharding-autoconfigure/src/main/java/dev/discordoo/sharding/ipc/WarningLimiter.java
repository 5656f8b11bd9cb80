package dev.discordoo.sharding.ipc;

import java.time.Duration;

import org.apache.commons.logging.Log;

/**
 * Lets one WARN line through per interval and sends the others to DEBUG, counting them in
 * the next WARN line. For warnings that anyone who can open a local connection can cause at
 * will: a flood of refused connections must not flood the log too.
 */
final class WarningLimiter {

	private final Log log;

	private final long intervalNanos;

	private final NanoClock clock;

	private long lastWarnNanos;

	private boolean warned;

	private int suppressed;

	WarningLimiter(Log log, Duration interval, NanoClock clock) {
		this.log = log;
		this.intervalNanos = interval.toNanos();
		this.clock = clock;
	}

	/**
	 * Log a warning, at WARN unless one went out less than an interval ago.
	 * @param line the warning
	 */
	void warn(String line) {
		int before;
		synchronized (this) {
			long now = this.clock.nanoTime();
			if (this.warned && now - this.lastWarnNanos < this.intervalNanos) {
				this.suppressed++;
				before = -1;
			}
			else {
				before = this.suppressed;
				this.suppressed = 0;
				this.warned = true;
				this.lastWarnNanos = now;
			}
		}
		if (before < 0) {
			this.log.debug(line);
		}
		else if (before == 0) {
			this.log.warn(line);
		}
		else {
			this.log.warn(line + " (and " + before + " more like it at DEBUG since the last warning)");
		}
	}

}
