package dev.discordoo.sharding.manager;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InstanceAttempt}: what an attempt holds, it gives back once, on any path.
 */
class InstanceAttemptTests {

	@Test
	void aSpareTakenOverByAnAttemptThatEndsBeforeItsLaunchIsDestroyed() {
		FakeLaunched spare = new FakeLaunched();
		InstanceAttempt attempt = InstanceAttempt
			.takingOver(new SparePool.Spare(0, "1", "token", spare, new InetSocketAddress("127.0.0.1", 1)));
		attempt.close();
		assertThat(spare.destroyed).hasValue(1);
	}

	@Test
	void aSpareThatWasLaunchedIsLeftToTheTeardown() {
		FakeLaunched spare = new FakeLaunched();
		InstanceAttempt attempt = InstanceAttempt
			.takingOver(new SparePool.Spare(0, "1", "token", spare, new InetSocketAddress("127.0.0.1", 1)));
		attempt.launched = spare;
		attempt.close();
		assertThat(spare.destroyed).hasValue(0);
	}

	@Test
	void itsSpawnSlotIsGivenBackOnceHoweverOftenItIsClosed() throws InterruptedException {
		SpawnThrottle throttle = new SpawnThrottle(2, Duration.ZERO);
		InstanceAttempt attempt = InstanceAttempt.fresh("1");
		attempt.holdSlot(throttle.acquire());
		InstanceAttempt other = InstanceAttempt.fresh("2");
		other.holdSlot(throttle.acquire());
		assertThat(throttle.available()).isZero();
		attempt.close();
		attempt.releaseSlot();
		attempt.close();
		assertThat(throttle.available()).isEqualTo(1);
		assertThat(attempt.cancelled).isTrue();
	}

	@Test
	void itsTokenIsAFreshSecretAndNeverPrinted() {
		InstanceAttempt first = InstanceAttempt.fresh("1");
		InstanceAttempt second = InstanceAttempt.fresh("2");
		assertThat(first.token).hasSize(43).isNotEqualTo(second.token);
		assertThat(first.toString()).doesNotContain(first.token);
	}

	private static final class FakeLaunched implements LaunchedInstance {

		final AtomicInteger destroyed = new AtomicInteger();

		@Override
		public long pid() {
			return 1;
		}

		@Override
		public CompletableFuture<InetSocketAddress> endpoint() {
			return new CompletableFuture<>();
		}

		@Override
		public CompletableFuture<String> onExit() {
			return new CompletableFuture<>();
		}

		@Override
		public void destroyGracefully() {
			this.destroyed.incrementAndGet();
		}

		@Override
		public void destroyForcibly() {
			this.destroyed.incrementAndGet();
		}

	}

}
