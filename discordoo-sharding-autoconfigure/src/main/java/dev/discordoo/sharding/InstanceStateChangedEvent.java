package dev.discordoo.sharding;

import org.springframework.context.ApplicationEvent;

/**
 * Published by the manager on every state transition of a sharding instance: spawned
 * ({@link InstanceState#SPAWNING}), identified, ready, lost, restarting, failed, stopped.
 */
public class InstanceStateChangedEvent extends ApplicationEvent {

	private final InstanceInfo instance;

	private final InstanceState previousState;

	private final String reason;

	/**
	 * Create a new event.
	 * @param source the manager
	 * @param instance the instance after the transition
	 * @param previousState its state before
	 * @param reason why, for lost and failed instances; may be {@code null}
	 */
	public InstanceStateChangedEvent(Object source, InstanceInfo instance, InstanceState previousState,
			String reason) {
		super(source);
		this.instance = instance;
		this.previousState = previousState;
		this.reason = reason;
	}

	/**
	 * Return the instance after the transition.
	 * @return the instance
	 */
	public InstanceInfo getInstance() {
		return this.instance;
	}

	/**
	 * Return the state before the transition.
	 * @return the previous state
	 */
	public InstanceState getPreviousState() {
		return this.previousState;
	}

	/**
	 * Return the state after the transition.
	 * @return the new state
	 */
	public InstanceState getState() {
		return this.instance.state();
	}

	/**
	 * Return why the transition happened, for lost and failed instances.
	 * @return the reason, or {@code null}
	 */
	public String getReason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "instance " + this.instance.index() + " " + this.previousState + " -> " + this.instance.state()
				+ ((this.reason != null) ? " (" + this.reason + ")" : "");
	}

}
