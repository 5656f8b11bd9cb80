package dev.discordoo.sharding.cluster;

import org.apache.curator.framework.state.ConnectionState;

/**
 * Where a node stands with ZooKeeper, and the lock that keeps starting an instance apart from
 * fencing. A reconcile pass that began while the node was connected can still be running
 * when the session is lost (a ZooKeeper write it waits on fails only after Curator has given
 * up): whatever it then tries to start is refused here, and an instance started just before
 * the loss is started before the fencing runs, so the fencing stops it.
 */
final class Fence {

	private ClusterShardRunner.Standing standing = ClusterShardRunner.Standing.CONNECTED;

	/**
	 * Move on a connection state change; on LOST, run the fencing under the same lock.
	 * @param state Curator's new connection state
	 * @param fencing what stops every local instance
	 * @return the new standing
	 */
	synchronized ClusterShardRunner.Standing on(ConnectionState state, Runnable fencing) {
		this.standing = this.standing.on(state);
		if (state == ConnectionState.LOST) {
			fencing.run();
		}
		return this.standing;
	}

	/**
	 * Start an instance, only while connected in the session its claims were made in.
	 * @param start what starts it (it must not wait: the fencing waits for this lock)
	 * @return whether it was started
	 */
	synchronized boolean startIfConnected(Runnable start) {
		if (this.standing != ClusterShardRunner.Standing.CONNECTED) {
			return false;
		}
		start.run();
		return true;
	}

	/**
	 * Return the standing now.
	 * @return the standing
	 */
	synchronized ClusterShardRunner.Standing get() {
		return this.standing;
	}

	/**
	 * Count a rejoin as done, unless it was lost or suspended again meanwhile.
	 * @return whether the node is CONNECTED now
	 */
	synchronized boolean rejoined() {
		if (this.standing != ClusterShardRunner.Standing.REJOINING) {
			return false;
		}
		this.standing = ClusterShardRunner.Standing.CONNECTED;
		return true;
	}

}
