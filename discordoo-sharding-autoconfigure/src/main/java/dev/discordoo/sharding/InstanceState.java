package dev.discordoo.sharding;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
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

	private static final Map<InstanceState, Set<InstanceState>> NEXT = new EnumMap<>(InstanceState.class);

	static {
		NEXT.put(SPAWNING, EnumSet.of(CONNECTING, LOST, STOPPING));
		NEXT.put(CONNECTING, EnumSet.of(IDENTIFIED, LOST, STOPPING));
		NEXT.put(IDENTIFIED, EnumSet.of(READY, LOST, STOPPING));
		NEXT.put(READY, EnumSet.of(LOST, STOPPING));
		NEXT.put(LOST, EnumSet.of(RESTARTING, FAILED, STOPPING));
		NEXT.put(RESTARTING, EnumSet.of(SPAWNING, STOPPING, FAILED));
		// FAILED when what was stopped could not be confirmed gone
		NEXT.put(STOPPING, EnumSet.of(STOPPED, FAILED));
		NEXT.put(STOPPED, EnumSet.of(SPAWNING));
		NEXT.put(FAILED, EnumSet.of(SPAWNING, STOPPING));
	}

	/**
	 * Return whether an instance in this state may move to another.
	 * @param target the state to move to
	 * @return whether the transition is allowed
	 */
	public boolean canMoveTo(InstanceState target) {
		return NEXT.getOrDefault(this, EnumSet.noneOf(InstanceState.class)).contains(target);
	}

	/**
	 * Return whether the instance has a live link in this state.
	 * @return whether it is identified or ready
	 */
	public boolean isLinked() {
		return this == IDENTIFIED || this == READY;
	}

}
