// The Java client of the capture matrix: HttpsURLConnection, the way a Java 17 program fetches a URL, with connect
// and read timeouts of 4 s. Everything else is the JDK's default or a standard system property a user would set:
// the trust store (javax.net.ssl.trustStore), the versions offered (jdk.tls.client.protocols) and the key exchange
// groups (jdk.tls.namedGroups).
//
// Usage: java MatrixClient https://host/
import java.io.InputStream;
import java.net.URL;
import javax.net.ssl.HttpsURLConnection;

public class MatrixClient {
    public static void main(String[] args) throws Exception {
        HttpsURLConnection connection = (HttpsURLConnection) new URL(args[0]).openConnection();
        connection.setConnectTimeout(4000);
        connection.setReadTimeout(4000);
        try {
            int status = connection.getResponseCode();
            try (InputStream body = connection.getInputStream()) {
                System.out.println(status + " " + body.readAllBytes().length + " bytes");
            }
        } catch (Exception e) {
            System.err.println("MatrixClient: " + e);
            System.exit(1);
        }
    }
}
