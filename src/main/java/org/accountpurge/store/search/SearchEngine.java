package org.accountpurge.store.search;

import java.util.List;
import java.util.Map;

/**
 * What the purge asks of a search server, in the words both Elasticsearch and OpenSearch answer: one implementation per
 * client library ({@code store.elasticsearch}, {@code store.opensearch}); everything else — whose a document is, the
 * shared-document rule, what an outcome means — lives once above them, in {@link SearchStore}. Every method throws
 * {@link org.accountpurge.store.StoreException} (store {@link SearchStore#STORE}) when the server fails the call as a
 * whole, its error type kept.
 */
public interface SearchEngine extends AutoCloseable {

    /** A search of one index: what {@code query} finds, up to {@code size} hits, with the source of {@code field}. */
    record Search(String index, DocQuery query, int size, String field) {
    }

    /** A document found, with its id and the part of its source that was asked for (empty when none was). */
    record Hit(String id, Map<?, ?> source) {
    }

    /** One search's answer in a multi-search: its hits, or the error type the server failed it with. */
    record Answer(List<Hit> hits, String failure) {
    }

    /** How an index maps a field: not at all, as a keyword-like field, or as analysed text (and its keyword sub-fields). */
    record FieldMapping(boolean mapped, boolean text, List<String> keywordSubfields) {
    }

    /**
     * One item of a bulk: delete the document, or, when {@code nullFields} is not empty, set those fields to null in it
     * (a partial update).
     */
    record Write(String index, String id, List<String> nullFields) {
    }

    /** A bulk item's answer: its HTTP status, its result ({@code deleted}, {@code not_found}, {@code noop}…), its error type. */
    record Written(int status, String result, String error) {
    }

    /**
     * The step log's words for an error the server answered with {@code status} and an error document of {@code type}:
     * the type, preceded by the status when the server was unavailable or busy ({@code HTTP 503
     * cluster_block_exception}), which the retry policy then treats as transient; a refusal (4xx) is its type alone.
     */
    static String errorType(int status, String type) {
        return status == 429 || status >= 500 ? "HTTP " + status + " " + type : type;
    }

    boolean indexExists(String index);

    /** Per concrete index behind {@code index} (an alias may name several), how it maps {@code field}. */
    Map<String, FieldMapping> fieldMapping(String index, String field);

    /** Several searches in one request ({@code _msearch}), answered in order. */
    List<Answer> searchAll(List<Search> searches);

    /** One search. */
    List<Hit> search(Search search);

    /** A page of a scroll, and the id that asks for the next one. */
    record Page(List<Hit> hits, String scrollId) {
    }

    /** The first page of {@code search.size()} hits of a scroll kept alive two minutes between pages. */
    Page scroll(Search search);

    /** The next page of a scroll of {@code index}. */
    Page scrollOn(String index, String scrollId);

    /** Frees a scroll; a failure is ignored (it expires on its own). */
    void clearScroll(String scrollId);

    /** Makes every write so far visible to searches. */
    void refresh(String index);

    /** The writes in one {@code _bulk}; an answer per write, in order. */
    List<Written> bulk(List<Write> writes);

    @Override
    void close();
}
