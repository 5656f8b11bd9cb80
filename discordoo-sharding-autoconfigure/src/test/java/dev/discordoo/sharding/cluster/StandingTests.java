package dev.discordoo.sharding.cluster;

import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.cluster.ClusterShardRunner.Standing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node acts on the assignment only while CONNECTED, and after a lost session only once it
 * has rejoined: a reconnection alone never puts it back.
 */
class StandingTests {

	@Test
	void aSuspensionPausesAndAReconnectionInTheSameSessionResumes() {
		Standing suspended = Standing.CONNECTED.on(ConnectionState.SUSPENDED);
		assertThat(suspended).isEqualTo(Standing.SUSPENDED);
		assertThat(suspended.on(ConnectionState.RECONNECTED)).isEqualTo(Standing.CONNECTED);
	}

	@Test
	void aLostSessionIsOnlyLeftByRejoining() {
		Standing lost = Standing.SUSPENDED.on(ConnectionState.LOST);
		assertThat(lost).isEqualTo(Standing.SESSION_LOST);
		assertThat(lost.on(ConnectionState.RECONNECTED)).isEqualTo(Standing.REJOINING);
		assertThat(Standing.REJOINING.on(ConnectionState.RECONNECTED)).isEqualTo(Standing.REJOINING);
		// suspended while rejoining: the rejoin starts over
		assertThat(Standing.REJOINING.on(ConnectionState.SUSPENDED)).isEqualTo(Standing.SESSION_LOST);
		assertThat(Standing.SESSION_LOST.on(ConnectionState.SUSPENDED)).isEqualTo(Standing.SESSION_LOST);
	}

	@Test
	void aLostSessionWinsFromAnyStanding() {
		for (Standing standing : Standing.values()) {
			assertThat(standing.on(ConnectionState.LOST)).isEqualTo(Standing.SESSION_LOST);
		}
	}

}
