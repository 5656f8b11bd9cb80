package dev.discordoo.sharding;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a sharding instance stands, as its manager sees it. Transitions are explicit:
 * {@link #canMoveTo(InstanceState)} says which are allowed.
 */
public enum InstanceState {

	/** Its process or worker is starting. */
	SPAWNING,

	/** It listens; the manager is sending HELLO. */
	CONNECTING,

	/** It answered IDENTIFY; its local client is starting. */
	IDENTIFIED,

	/** Every one of its shards is ready. */
	READY,

	/** It exited, its link closed, or its heartbeats stopped; what is left is being destroyed. */
	LOST,

	/** Waiting out the restart backoff before the next spawn. */
	RESTARTING,

	/** Asked to stop; waiting for it to exit. */
	STOPPING,

	/** Stopped on purpose. */
	STOPPED,

	/**
	 * It kept failing (the crash-loop limit), or could not be confirmed gone; it is no longer
	 * restarted until a manual restart.
	 */
	FAILED;

	private Set<InstanceState> next;

	static {
		SPAWNING.next = EnumSet.of(CONNECTING, LOST, STOPPING);
		CONNECTING.next = EnumSet.of(IDENTIFIED, LOST, STOPPING);
		IDENTIFIED.next = EnumSet.of(READY, LOST, STOPPING);
		READY.next = EnumSet.of(LOST, STOPPING);
		LOST.next = EnumSet.of(RESTARTING, FAILED, STOPPING);
		RESTARTING.next = EnumSet.of(SPAWNING, STOPPING, FAILED);
		// FAILED when what was stopped could not be confirmed gone
		STOPPING.next = EnumSet.of(STOPPED, FAILED);
		STOPPED.next = EnumSet.of(SPAWNING);
		FAILED.next = EnumSet.of(SPAWNING, STOPPING);
	}

	/**
	 * Return whether an instance in this state may move to another.
	 * @param target the state to move to
	 * @return whether the transition is allowed
	 */
	public boolean canMoveTo(InstanceState target) {
		return this.next.contains(target);
	}

	/**
	 * Return whether the instance has a live link in this state.
	 * @return whether it is identified or ready
	 */
	public boolean isLinked() {
		return this == IDENTIFIED || this == READY;
	}

}
