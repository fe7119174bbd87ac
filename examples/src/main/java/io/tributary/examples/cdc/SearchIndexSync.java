package io.tributary.examples.cdc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.EventStore;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.RecordedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.email.UAX29URLEmailAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;

/**
 * Search-index synchronisation: keeps an Apache Lucene index of the {@code users} table in step
 * with its change events — creates, updates and snapshot reads (re)index the user's document,
 * deletes remove it, a truncate empties the index — so users can be found by the words of their
 * name or e-mail address, or by their exact address.
 *
 * <p><b>Checkpoint.</b> Each batch of events is one Lucene commit whose user data holds the log
 * position of the batch's last event ({@value #POSITION_KEY}). Lucene commits are atomic, so the
 * documents and the checkpoint always belong together: after a crash or a stop the index is
 * exactly the state as of its checkpoint, and {@link #start} resumes right after it. A second
 * process on the same directory gets Lucene's {@code LockObtainFailedException}.
 *
 * <p>Searches are thread-safe and see the state of the last commit.
 */
public final class SearchIndexSync implements AutoCloseable {
    /** The commit user-data key holding the log position of the last applied event. */
    public static final String POSITION_KEY = "tributary.position";
    /** The category followed: the captured table {@code users}. */
    public static final String CATEGORY = "users";
    private static final String ID = "id";
    private static final String EMAIL = "email";
    private static final String EMAIL_EXACT = "email_exact";
    private static final String NAME = "name";
    private static final int MAX_RESULTS = 100;

    private final ObjectMapper json = new ObjectMapper();
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Analyzer analyzer;
    private final ChangeFollower follower;
    private volatile long committed;

    private SearchIndexSync(EventStore store, Path indexDirectory, int maxBatchEvents) throws IOException {
        this.analyzer = analyzer();
        this.directory = FSDirectory.open(indexDirectory);
        IndexWriter opened = null;
        SearcherManager manager = null;
        try {
            opened = new IndexWriter(directory, new IndexWriterConfig(analyzer)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
            manager = new SearcherManager(opened, null);
            this.writer = opened;
            this.searchers = manager;
            this.committed = positionOf(opened);
            this.follower = ChangeFollower.start(store, CATEGORY, committed, maxBatchEvents, "search-index-sync", this::apply);
        } catch (IOException | RuntimeException e) {
            if (manager != null) {
                manager.close();
            }
            if (opened != null) {
                opened.rollback();   // closes it; nothing was applied
            }
            directory.close();
            throw e;
        }
    }

    /**
     * Opens (or creates) the index in {@code indexDirectory} and follows the {@code users} change
     * events from right after its checkpoint.
     *
     * @throws UncheckedIOException when the index cannot be opened (for example, another process holds it)
     */
    public static SearchIndexSync start(EventStore store, Path indexDirectory) {
        return start(store, indexDirectory, 500);
    }

    /** As {@link #start(EventStore, Path)}, committing at most {@code maxBatchEvents} events at a time. */
    public static SearchIndexSync start(EventStore store, Path indexDirectory, int maxBatchEvents) {
        if (store == null || indexDirectory == null || maxBatchEvents < 1) {
            throw new InvalidRequestException("SearchIndexSync needs a store, an index directory and maxBatchEvents >= 1");
        }
        try {
            return new SearchIndexSync(store, indexDirectory, maxBatchEvents);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the search index in " + indexDirectory + ": " + e.getMessage(), e);
        }
    }

    /**
     * The checkpoint of the index in {@code indexDirectory} as its last commit recorded it, without
     * opening a writer; empty when there is no index or no event was applied yet.
     */
    public static OptionalLong committedPosition(Path indexDirectory) {
        try (Directory dir = FSDirectory.open(indexDirectory)) {
            if (!DirectoryReader.indexExists(dir)) {
                return OptionalLong.empty();
            }
            String value = SegmentInfos.readLatestCommit(dir).getUserData().get(POSITION_KEY);
            return value == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the search index in " + indexDirectory + ": " + e.getMessage(), e);
        }
    }

    /** The documents and the checkpoint of an index's last commit. */
    record Committed(long position, Map<Integer, User> documents) {
    }

    /**
     * Reads the last commit of the index in {@code indexDirectory} — its documents and its
     * checkpoint, from that one commit — without a writer (for checks, also while another process
     * writes the index).
     */
    static Committed readCommitted(Path indexDirectory) throws IOException {
        try (Directory dir = FSDirectory.open(indexDirectory); DirectoryReader reader = DirectoryReader.open(dir)) {
            String value = reader.getIndexCommit().getUserData().get(POSITION_KEY);
            Map<Integer, User> documents = new TreeMap<>();
            IndexSearcher searcher = new IndexSearcher(reader);
            StoredFields stored = searcher.storedFields();
            for (ScoreDoc hit : searcher.search(new MatchAllDocsQuery(), Math.max(1, reader.maxDoc())).scoreDocs) {
                Document doc = stored.document(hit.doc);
                documents.put(Integer.parseInt(doc.get(ID)), new User(Integer.parseInt(doc.get(ID)), doc.get(EMAIL), doc.get(NAME)));
            }
            return new Committed(value == null ? -1 : Long.parseLong(value), documents);
        }
    }

    private static Analyzer analyzer() {
        // Names are split into words; an e-mail address stays one token, so "ada@example.com" matches only itself.
        return new PerFieldAnalyzerWrapper(new StandardAnalyzer(), Map.of(EMAIL, new UAX29URLEmailAnalyzer()));
    }

    private static long positionOf(IndexWriter writer) {
        Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
        if (data != null) {
            for (Map.Entry<String, String> entry : data) {
                if (entry.getKey().equals(POSITION_KEY)) {
                    return Long.parseLong(entry.getValue());
                }
            }
        }
        return -1;
    }

    private void apply(List<RecordedEvent> batch) throws IOException {
        // Documents of this batch not yet committed, for the merge of unchanged TOASTed columns.
        Map<Integer, User> pending = new HashMap<>();
        for (RecordedEvent event : batch) {
            Optional<UserChange> change = UserChange.parse(event, json);
            if (change.isEmpty()) {
                continue;
            }
            if (change.get() instanceof UserChange.Upsert upsert) {
                User user = upsert.unavailable().isEmpty() ? upsert.user() : merge(upsert, pending);
                pending.put(user.id(), user);
                writer.updateDocument(new Term(ID, Integer.toString(user.id())), document(user));
            } else if (change.get() instanceof UserChange.Delete delete) {
                pending.remove(delete.id());
                writer.deleteDocuments(new Term(ID, Integer.toString(delete.id())));
            } else {
                pending.clear();
                writer.deleteAll();
            }
        }
        long last = batch.get(batch.size() - 1).position();
        writer.setLiveCommitData(Map.of(POSITION_KEY, Long.toString(last)).entrySet());
        writer.commit();
        // Searches see the commit before position() says it is applied.
        searchers.maybeRefreshBlocking();
        committed = last;
    }

    /** An update whose unchanged TOASTed columns were not sent keeps their indexed values. */
    private User merge(UserChange.Upsert upsert, Map<Integer, User> pending) throws IOException {
        User now = upsert.user();
        User previous = pending.containsKey(now.id()) ? pending.get(now.id()) : byId(now.id()).orElse(null);
        if (previous == null) {
            throw new IllegalStateException("user " + now.id() + " changed with unavailable columns " + upsert.unavailable()
                    + " but has no indexed document to take them from");
        }
        return new User(now.id(),
                upsert.unavailable().contains(EMAIL) ? previous.email() : now.email(),
                upsert.unavailable().contains(NAME) ? previous.name() : now.name());
    }

    private static Document document(User user) {
        Document doc = new Document();
        doc.add(new StringField(ID, Integer.toString(user.id()), Field.Store.YES));
        doc.add(new TextField(EMAIL, user.email(), Field.Store.YES));
        doc.add(new StringField(EMAIL_EXACT, user.email().toLowerCase(Locale.ROOT), Field.Store.NO));
        doc.add(new TextField(NAME, user.name(), Field.Store.YES));
        return doc;
    }

    /**
     * Users whose name or e-mail address contains all of {@code words} (each word, as the field's
     * analyzer splits it, must match in the name or in the address; an address is one word), best
     * match first, at most 100. The text is taken literally: there is no query syntax.
     *
     * @throws InvalidRequestException when {@code words} has nothing to search for
     */
    public List<User> search(String words) {
        if (words == null || words.isBlank()) {
            throw new InvalidRequestException("search: give at least one word to look for");
        }
        QueryBuilder builder = new QueryBuilder(analyzer);
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        int clauses = 0;
        for (String word : words.strip().split("\\s+")) {
            BooleanQuery.Builder anyField = new BooleanQuery.Builder();
            int fields = 0;
            for (String field : new String[] {NAME, EMAIL}) {
                Query q = builder.createBooleanQuery(field, word, BooleanClause.Occur.MUST);
                if (q != null) {
                    anyField.add(q, BooleanClause.Occur.SHOULD);
                    fields++;
                }
            }
            if (fields > 0) {
                all.add(anyField.build(), BooleanClause.Occur.MUST);
                clauses++;
            }
        }
        if (clauses == 0) {
            throw new InvalidRequestException("search: '" + words + "' has no word to look for");
        }
        return find(all.build(), MAX_RESULTS);
    }

    /** The user with exactly this e-mail address (case-insensitive), if indexed. */
    public Optional<User> findByEmail(String email) {
        List<User> found = find(new TermQuery(new Term(EMAIL_EXACT, email.toLowerCase(Locale.ROOT))), 1);
        return found.stream().findFirst();
    }

    /** The indexed document of user {@code id}, if any. */
    public Optional<User> byId(int id) {
        return find(new TermQuery(new Term(ID, Integer.toString(id))), 1).stream().findFirst();
    }

    /** Every indexed document, by id — for comparing the index with the source table. */
    public Map<Integer, User> allDocuments() {
        Map<Integer, User> all = new TreeMap<>();
        for (User user : find(new MatchAllDocsQuery(), Integer.MAX_VALUE)) {
            all.put(user.id(), user);
        }
        return all;
    }

    private List<User> find(Query query, int max) {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                int limit = Math.max(1, Math.min(max, searcher.getIndexReader().maxDoc()));
                ScoreDoc[] hits = searcher.search(query, limit).scoreDocs;
                StoredFields stored = searcher.storedFields();
                List<User> users = new ArrayList<>(hits.length);
                for (ScoreDoc hit : hits) {
                    Document doc = stored.document(hit.doc);
                    users.add(new User(Integer.parseInt(doc.get(ID)), doc.get(EMAIL), doc.get(NAME)));
                }
                return users;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("search index: " + e.getMessage(), e);
        }
    }

    /** The log position of the last event in the index's last commit ({@code -1}: none yet); searches already see it. */
    public long position() {
        return committed;
    }

    /** Why following stopped, if it failed (the index keeps its last commit). */
    public Optional<String> lastError() {
        return follower.lastError();
    }

    /** Stops following (the batch in progress is committed or not at all) and closes the index. */
    @Override
    public void close() {
        try {
            follower.close();
        } finally {
            try {
                searchers.close();
                // Nothing uncommitted is worth keeping: the checkpoint says where to resume.
                writer.rollback();
                directory.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing the search index: " + e.getMessage(), e);
            }
        }
    }
}
