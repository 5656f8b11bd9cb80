package dev.discordoo.sharding.cluster;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay guard of plain-TCP node links: each HELLO once, and only near this host's time.
 */
class HelloReplayGuardTests {

	private static final long NOW = 1_800_000_000_000L;

	private final AtomicLong clock = new AtomicLong(NOW);

	private final HelloReplayGuard guard = new HelloReplayGuard(this.clock::get);

	private static String sentAt(long millis) {
		return DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, 42, millis);
	}

	@Test
	void aFreshHelloIsAcceptedOnceOnly() {
		String eventId = sentAt(NOW - 2_000);
		assertThat(this.guard.refusalOf(eventId)).isNull();
		assertThat(this.guard.refusalOf(eventId)).contains("accepted before");
		assertThat(this.guard.refusalOf(sentAt(NOW - 1_000))).isNull();
	}

	@Test
	void aHelloFromOutsideTheWindowIsRefusedEitherWay() {
		long window = HelloReplayGuard.WINDOW.toMillis();
		assertThat(this.guard.refusalOf(sentAt(NOW - window - 1_000))).contains("301 s old").contains("clocks");
		assertThat(this.guard.refusalOf(sentAt(NOW + window + 1_000))).contains("301 s ahead");
		assertThat(this.guard.refusalOf(sentAt(NOW - window + 1_000))).isNull();
	}

	@Test
	void anAcceptedHelloStaysRefusedAfterTheWindowBecauseItIsThenTooOld() {
		String eventId = sentAt(NOW);
		assertThat(this.guard.refusalOf(eventId)).isNull();
		this.clock.addAndGet(HelloReplayGuard.WINDOW.toMillis() + 1);
		assertThat(this.guard.refusalOf(eventId)).contains("s old");
	}

	@Test
	void anEventIdThatIsNoSnowflakeIsRefused() {
		assertThat(this.guard.refusalOf("not-a-snowflake")).contains("not a snowflake");
	}

}
