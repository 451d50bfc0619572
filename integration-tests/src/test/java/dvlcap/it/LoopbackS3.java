package dvlcap.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;

/**
 * A real S3 server (S3Proxy over jclouds' in-memory "transient" blob store) on 127.0.0.1 with a
 * random port, with signed requests. Nothing leaves the machine.
 */
final class LoopbackS3 implements AutoCloseable {

    static final String ACCESS_KEY = "dvlcap-access";
    static final String SECRET_KEY = "dvlcap-secret-key";

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    LoopbackS3() throws Exception {
        context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(new Properties()).build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    BlobStore blobs() {
        return context.getBlobStore();
    }

    void createBucket(String bucket) {
        blobs().createContainerInLocation(null, bucket);
    }

    /** Uploads every file under {@code dir} to {@code bucket/prefix/relative-path}. */
    void upload(Path dir, String bucket, String prefix) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            String key = prefix + "/" + dir.relativize(f).toString().replace('\\', '/');
            Blob blob = blobs().blobBuilder(key).payload(Files.readAllBytes(f)).build();
            blobs().putBlob(bucket, blob);
        }
    }

    /** The Spark settings that point s3a at this server. */
    List<String> sparkConf() {
        List<String> conf = new ArrayList<>();
        String p = "spark.hadoop.fs.s3a.";
        for (String kv : List.of("endpoint=" + endpoint(), "endpoint.region=us-east-1", "path.style.access=true",
                "connection.ssl.enabled=false", "access.key=" + ACCESS_KEY, "secret.key=" + SECRET_KEY,
                "aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
                "change.detection.mode=none", "attempts.maximum=2", "retry.limit=2")) {
            conf.add("--conf");
            conf.add(p + kv);
        }
        return conf;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
