package dev.discordoo.sharding.ipc;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.inbound.TcpReceivingChannelAdapter;
import org.springframework.integration.ip.tcp.outbound.TcpSendingMessageHandler;
import org.springframework.integration.ip.tcp.connection.AbstractConnectionFactory;
import org.springframework.messaging.MessageChannel;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;

import org.jspecify.annotations.Nullable;

/**
 * The threads shared by every IPC server and client of one manager or instance: socket
 * readers (one per connection, owned by Spring Integration's connection factories), packet
 * handlers (user code, run in order per connection, never on a reader thread), writers
 * (which flush a connection's queued frames when its sender must not block) and one timer for
 * hello resends, heartbeats and timeouts.
 */
public final class IpcResources implements AutoCloseable {

	/** Set on the reader threads, so that nothing they call waits for a peer to read. */
	private static final ThreadLocal<Boolean> readerThread = ThreadLocal.withInitial(() -> Boolean.FALSE);

	/** The outbound side of the connection a reader thread is reading, while it handles a frame. */
	private static final ThreadLocal<@Nullable Object> readingFor = new ThreadLocal<>();

	private final ExecutorService readers;

	private final ExecutorService handlers;

	private final ExecutorService writers;

	private final ScheduledExecutorService timer;

	private final NanoClock clock;

	private final BeanFactory beanFactory;

	private final ApplicationEventPublisher eventPublisher;

	private final IpcObserver observer;

	/**
	 * Create the threads, all daemons named after {@code name}, for use outside an
	 * application context: connection events are not published.
	 * @param name the prefix of the thread names
	 */
	public IpcResources(String name) {
		this(name, new DefaultListableBeanFactory(), (event) -> {
		});
	}

	/**
	 * Create the threads, all daemons named after {@code name}.
	 * @param name the prefix of the thread names
	 * @param beanFactory the bean factory Spring Integration's connection factories look
	 * their settings up in
	 * @param eventPublisher receives Spring Integration's TCP connection events
	 */
	public IpcResources(String name, BeanFactory beanFactory, ApplicationEventPublisher eventPublisher) {
		this(name, beanFactory, eventPublisher, IpcObserver.NONE);
	}

	/**
	 * Create the threads, all daemons named after {@code name}, with an observer of the
	 * traffic of every connection that uses them.
	 * @param name the prefix of the thread names
	 * @param beanFactory the bean factory Spring Integration's connection factories look
	 * their settings up in
	 * @param eventPublisher receives Spring Integration's TCP connection events
	 * @param observer told of every frame and request
	 */
	public IpcResources(String name, BeanFactory beanFactory, ApplicationEventPublisher eventPublisher,
			IpcObserver observer) {
		this(name, beanFactory, eventPublisher, observer, timer(name), NanoClock.SYSTEM);
	}

	/**
	 * Create resources on a timer and clock of the caller's: every heartbeat, handshake,
	 * spawn and request timeout of the links that use them is scheduled on {@code timer} and
	 * measured with {@code clock}, so that a test can move time by hand.
	 * @param name the prefix of the thread names
	 * @param beanFactory the bean factory Spring Integration's connection factories look
	 * their settings up in
	 * @param eventPublisher receives Spring Integration's TCP connection events
	 * @param observer told of every frame and request
	 * @param timer runs every timeout; shut down with these resources
	 * @param clock measures silence and round trips
	 */
	public IpcResources(String name, BeanFactory beanFactory, ApplicationEventPublisher eventPublisher,
			IpcObserver observer, ScheduledExecutorService timer, NanoClock clock) {
		this.beanFactory = beanFactory;
		this.eventPublisher = eventPublisher;
		this.observer = observer;
		ThreadFactory readerThreads = ShardingThreads.daemons(name + "-ipc-reader-");
		this.readers = Executors.newCachedThreadPool((task) -> readerThreads.newThread(() -> {
			readerThread.set(Boolean.TRUE);
			task.run();
		}));
		this.handlers = ShardingThreads.cachedDaemons(name + "-ipc-handler-");
		this.writers = ShardingThreads.cachedDaemons(name + "-ipc-writer-");
		this.timer = timer;
		this.clock = clock;
	}

	private static ScheduledExecutorService timer(String name) {
		return ShardingThreads.scheduledDaemons(name + "-ipc-timer-", 1);
	}

	/**
	 * Return the clock the links measure time with.
	 * @return the clock
	 */
	public NanoClock clock() {
		return this.clock;
	}

	/**
	 * Give a connection factory the shared reader threads, bean factory, event publisher and
	 * timer, and the lean frame mapper, and initialise it.
	 */
	void configure(AbstractConnectionFactory factory) {
		factory.setTaskExecutor(this.readers);
		factory.setBeanFactory(this.beanFactory);
		factory.setApplicationEventPublisher(this.eventPublisher);
		factory.setTaskScheduler(new ConcurrentTaskScheduler(this.timer));
		factory.setMapper(new FrameMessageMapper());
		factory.afterPropertiesSet();
	}

	/**
	 * Receive what a connection factory reads through Spring Integration's inbound adapter:
	 * a {@link TcpReceivingChannelAdapter}, the factory's listener, sends each frame on a
	 * direct channel to {@code frames}, on the reader thread that read it, in order. Errors
	 * the connection reports (it is closed by then) never reach {@code frames}: the close is
	 * reported to the factory's senders. Starting and stopping the adapter starts and stops
	 * the factory.
	 * @param name what the adapter and its channel are called in the log
	 * @param factory a factory {@link #configure configured} with these resources
	 * @param frames what each frame goes to, with the id of its connection
	 * @return the adapter, initialised, not started
	 */
	TcpReceivingChannelAdapter receiveFrom(String name, AbstractConnectionFactory factory, FrameHandler frames) {
		DirectChannel channel = directChannel(name + "-frames");
		channel.subscribe((message) -> frames.onFrame(
				(message instanceof FrameMessageMapper.ReceivedFrame frame) ? frame.connectionId()
						: message.getHeaders().get(IpHeaders.CONNECTION_ID),
				message.getPayload()));
		TcpReceivingChannelAdapter adapter = new TcpReceivingChannelAdapter();
		adapter.setBeanName(name + "-receiver");
		adapter.setConnectionFactory(factory);
		adapter.setOutputChannel(channel);
		adapter.setBeanFactory(this.beanFactory);
		adapter.afterPropertiesSet();
		return adapter;
	}

	/**
	 * Send through Spring Integration's outbound adapter: a {@link TcpSendingMessageHandler}
	 * on the same factory as the {@link #receiveFrom receiving adapter} (its collaborating
	 * adapters, for full duplex), behind a direct channel, so that a message is written on
	 * the thread that sends it, to the connection its {@link IpHeaders#CONNECTION_ID} header
	 * names, with one flush.
	 * @param name what the adapter and its channel are called in the log
	 * @param factory a factory {@link #configure configured} with these resources, before it
	 * makes any connection
	 * @return the channel to send each connection's frame batches on
	 */
	MessageChannel sendTo(String name, AbstractConnectionFactory factory) {
		ConnectionSendingHandler sender = new ConnectionSendingHandler();
		sender.setBeanName(name + "-sender");
		sender.setConnectionFactory(factory);
		sender.setBeanFactory(this.beanFactory);
		sender.afterPropertiesSet();
		DirectChannel channel = directChannel(name + "-outbound");
		channel.subscribe(sender);
		return channel;
	}

	private DirectChannel directChannel(String name) {
		DirectChannel channel = new DirectChannel();
		channel.setBeanName(name);
		channel.setBeanFactory(this.beanFactory);
		channel.afterPropertiesSet();
		return channel;
	}

	/** Receives the frames of a connection factory's connections. */
	@FunctionalInterface
	interface FrameHandler {

		/**
		 * A connection read a frame.
		 * @param connectionId the id of the connection, {@code null} if unknown
		 * @param frame the body read, or a {@link FrameLengthHeaderSerializer.FramingViolation}
		 */
		void onFrame(@Nullable Object connectionId, Object frame);

	}

	IpcObserver observer() {
		return this.observer;
	}

	ExecutorService readers() {
		return this.readers;
	}

	ExecutorService handlers() {
		return this.handlers;
	}

	/** Threads that write a connection's queued frames for senders that must not block. */
	ExecutorService writers() {
		return this.writers;
	}

	/**
	 * Return whether the calling thread reads a socket: such a thread must never wait for a
	 * peer to read (it would stop reading heartbeats), so what it sends is queued.
	 */
	static boolean onReaderThread() {
		return readerThread.get();
	}

	/**
	 * Note which connection the calling reader thread reads: an answer to that same peer may
	 * be written at once, as a plain socket reader would, since a peer that does not read
	 * only holds up the reading of its own connection.
	 * @param writer the outbound side of the connection being read
	 */
	static void reading(Object writer) {
		readingFor.set(writer);
	}

	/**
	 * Return whether the calling thread is the reader of the connection with this outbound side.
	 * @param writer the outbound side
	 * @return whether it reads that connection
	 */
	static boolean readsFor(Object writer) {
		return readingFor.get() == writer;
	}

	/**
	 * Return the shared timer, for the timeouts of the layers above the link. Its tasks must
	 * not block.
	 * @return the timer
	 */
	public ScheduledExecutorService timer() {
		return this.timer;
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
		this.handlers.shutdownNow();
		this.writers.shutdownNow();
		this.readers.shutdownNow();
		try {
			this.readers.awaitTermination(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
