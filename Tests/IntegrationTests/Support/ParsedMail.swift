import Foundation

/// A received message as Python's standard `email` package (an ordinary mail parser, from
/// /usr/bin/python3) reads it: decoded headers, the addresses of To, and the decoded parts.
struct ParsedMail: Decodable {
    var subject: String
    var toCount: Int
    var toName: String
    var toAddress: String
    var from: String
    var date: String?
    var messageID: String?
    var text: String
    var html: String?
    var envelopeRecipients: [String]
    var envelopeSender: String
    var headerNames: [String]

    static let parser = """
        import email, email.policy, email.utils, json, sys
        raw = open(sys.argv[1], 'rb').read()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        to = message.get_all('To') or []
        pairs = email.utils.getaddresses([str(value) for value in to])
        text = message.get_body(('plain',))
        html = message.get_body(('html',))
        envelope = json.load(open(sys.argv[1][:-4] + '.json'))
        print(json.dumps({
            'subject': str(message['Subject']), 'toCount': len(pairs),
            'toName': pairs[0][0] if pairs else '', 'toAddress': pairs[0][1] if pairs else '',
            'from': str(message['From']), 'date': message['Date'] and str(message['Date']),
            'messageID': message['Message-ID'] and str(message['Message-ID']),
            'text': text.get_content() if text else '', 'html': html.get_content() if html else None,
            'envelopeRecipients': envelope.get('rcpt_tos', []),
            'envelopeSender': envelope.get('mail_from', ''),
            'headerNames': list(message.keys()),
        }))
        """

    init(file: String) throws {
        let output = try shell("/usr/bin/python3", ["-c", Self.parser, file])
        self = try JSONDecoder().decode(ParsedMail.self, from: Data(output.utf8))
    }
}
