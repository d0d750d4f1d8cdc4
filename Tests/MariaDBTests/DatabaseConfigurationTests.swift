import Testing

@testable import MariaDB

@Suite struct DatabaseConfigurationTests {
    @Test func readsEveryPartOfAPlainURL() throws {
        let configuration = try DatabaseConfiguration(url: "mariadb://mailroom:secret@db.example:3307/mailroom")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 3307)
        #expect(configuration.user == "mailroom")
        #expect(configuration.password == "secret")
        #expect(configuration.database == "mailroom")
        #expect(configuration.unixSocket == nil)
        #expect(configuration.useTLS == false)
        #expect(configuration.connectTimeout == .seconds(5))
        #expect(configuration.readTimeout == .seconds(30))
        #expect(configuration.revalidateAfterIdle == .seconds(5))
    }

    @Test func defaultsThePortTo3306() throws {
        #expect(try DatabaseConfiguration(url: "mariadb://u:p@localhost/db").port == 3306)
    }

    @Test func percentDecodesUserPasswordAndDatabase() throws {
        let configuration = try DatabaseConfiguration(url: "mariadb://us%40er:p%3Aa%2Fs%25s%20w@h/d%C3%B6b")
        #expect(configuration.user == "us@er")
        #expect(configuration.password == "p:a/s%s w")
        #expect(configuration.database == "döb")
    }

    @Test func toleratesUnencodedAtAndSlashInThePassword() throws {
        let configuration = try DatabaseConfiguration(url: "mariadb://u:p@ss/w:rd@h:3306/db")
        #expect(configuration.password == "p@ss/w:rd")
        #expect(configuration.host == "h")
    }

    @Test func acceptsAMissingPassword() throws {
        #expect(try DatabaseConfiguration(url: "mariadb://u@h/db").password == "")
    }

    @Test func readsTheUnixSocketWithOrWithoutAHost() throws {
        let bare = try DatabaseConfiguration(url: "mariadb://u:p@/db?socket=%2Frun%2Fmysqld%2Fmysqld.sock")
        #expect(bare.unixSocket == "/run/mysqld/mysqld.sock")
        #expect(bare.host == "localhost")

        let withHost = try DatabaseConfiguration(url: "mariadb://u:p@localhost/db?socket=/run/mysqld/mysqld.sock")
        #expect(withHost.unixSocket == "/run/mysqld/mysqld.sock")
    }

    @Test func readsTLSAndTheCAFile() throws {
        let configuration = try DatabaseConfiguration(url: "mariadb://u:p@h/db?tls=true&ca=/etc/ssl/ca.pem")
        #expect(configuration.useTLS)
        #expect(configuration.tlsCAFile == "/etc/ssl/ca.pem")
    }

    @Test func readsABracketedIPv6Host() throws {
        let configuration = try DatabaseConfiguration(url: "mariadb://u:p@[::1]:3310/db")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 3310)
    }

    @Test(arguments: [
        ("postgres://u:p@h/db", "mariadb://"),
        ("mariadb://h/db", "no user"),
        ("mariadb://u:p@h", "no database"),
        ("mariadb://u:p@h/", "database name is empty"),
        ("mariadb://u:p@h:0/db", "port"),
        ("mariadb://u:p@h:99999/db", "port"),
        ("mariadb://u:p@h:abc/db", "port"),
        ("mariadb://u:p@/db", "host is empty"),
        ("mariadb://u:p@h/db?tls=yes", "tls must be"),
        ("mariadb://u:p@h/db?ca=/x.pem", "needs tls=true"),
        ("mariadb://u:p@h/db?sockett=/x", "unknown option 'sockett'"),
        ("mariadb://u:p@h/db?socket=relative", "absolute"),
        ("mariadb://u:p@[::1/db", "']'"),
        ("mariadb://u:p%zz@h/db", "password contains a malformed percent escape"),
        ("mariadb://u:p%ff@h/db", "password is not valid UTF-8"),
    ])
    func rejectsAMalformedURLNamingTheProblem(url: String, expected: String) {
        let error = databaseError { _ = try DatabaseConfiguration(url: url) }
        #expect(error?.kind == .invalidURL)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
    }

    @Test func errorsAndDescriptionNeverShowThePassword() throws {
        let secret = "Sup3rSecret"
        let error = databaseError { _ = try DatabaseConfiguration(url: "mariadb://u:\(secret)%zz@h/db") }
        #expect(error.map { !"\($0)".contains(secret) } == true)

        let configuration = try DatabaseConfiguration(url: "mariadb://u:\(secret)@h/db?tls=true")
        #expect("\(configuration)" == "mariadb://u@h:3306/db?tls=true")
        #expect(!String(reflecting: configuration).contains(secret))
    }
}
