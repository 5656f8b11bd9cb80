package dev.discordoo.sharding.ipc;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;

import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;

class WarningLimiterTests {

	private final Log log = mock(Log.class);

	private final ManualTime time = new ManualTime();

	private final WarningLimiter limiter = new WarningLimiter(this.log, Duration.ofSeconds(1), this.time);

	@Test
	void oneWarningPerIntervalTheOthersAtDebugAndCountedInTheNext() {
		this.limiter.warn("refused a");
		this.limiter.warn("refused b");
		this.limiter.warn("refused c");
		then(this.log).should().warn("refused a");
		then(this.log).should().debug("refused b");
		then(this.log).should().debug("refused c");
		this.time.advance(Duration.ofMillis(999));
		this.limiter.warn("refused d");
		then(this.log).should().debug("refused d");
		this.time.advance(Duration.ofMillis(1));
		this.limiter.warn("refused e");
		then(this.log).should().warn("refused e (and 3 more like it at DEBUG since the last warning)");
		this.time.advance(Duration.ofSeconds(5));
		this.limiter.warn("refused f");
		then(this.log).should().warn("refused f");
		then(this.log).should(times(3)).warn(contains("refused"));
	}

}
