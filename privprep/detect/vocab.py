"""Words detection knows by heart: column-name phrases in seven languages, street types, titles.

Column-name phrases are matched on folded tokens (lower case, accents removed, ``ß`` → ``ss``):
``Straße`` → ``strasse``, ``prénom`` → ``prenom``. Written for privprep from the languages'
ordinary vocabulary (English, German, French, Spanish, Italian, Portuguese, Dutch), not taken
from any data generator.
"""

from __future__ import annotations

# entity → (strong phrases, weak phrases); a phrase is a run of tokens, or one joined word found
# anywhere in the run-together name when it is at least 5 characters long ("=" marks a phrase
# that must be whole tokens: ``birth`` must not match ``birthplace``, ``via`` not ``aviation``).
# fmt: off
LEXICON: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "EMAIL_ADDRESS": (("email", "e mail", "mail address", "courriel", "correo", "emailadres", "mailadresse",
                       "posta elettronica"), ("mail",)),
    "PHONE_NUMBER": (("phone", "tel", "telephone", "telefon", "telefono", "telefone", "telefoon", "mobile",
                      "cell", "msisdn", "fax", "handy", "phonenumber", "cellphone", "rufnummer", "portable",
                      "celular", "movil", "cellulare", "telemovel", "mobiel", "=gsm"),
                     ("contact number", "whatsapp")),
    "PERSON": (("first name", "given name", "last name", "family name", "surname", "full name", "forename",
                "firstname", "lastname", "fullname", "givenname", "familyname", "vorname", "nachname",
                "familienname", "geburtsname", "prenom", "nom de famille", "apellido", "nombre completo",
                "cognome", "nome completo", "sobrenome", "apelido", "achternaam", "voornaam",
                "tussenvoegsel", "middle name", "maiden", "contact name", "customer name", "patient name",
                "employee name", "person", "author", "recipient", "owner name", "holder name",
                "middle initial", "initials"),
               ("name", "=nom", "nombre", "=nome", "=naam", "contact")),
    "USERNAME": (("username", "user name", "=login", "screen name", "=handle", "nickname", "benutzername",
                  "nom d utilisateur", "identifiant", "usuario", "nombre de usuario", "nome utente",
                  "utilizador", "gebruikersnaam", "account name", "=uname", "userid", "user id"), ()),
    "PASSWORD": (("password", "passwd", "=pwd", "=pw", "=pass", "passcode", "passphrase", "=secret",
                  "api key", "apikey", "access token", "auth token", "private key", "kennwort",
                  "passwort", "mot de passe", "=mdp", "contrasena", "=clave", "senha", "wachtwoord"),
                 ("token", "=pin")),
    "LOCATION": (("city", "town", "address", "street", "municipality", "locality", "village", "birthplace",
                  "place of birth", "stadt", "ville", "ciudad", "addr", "location", "hometown", "strasse",
                  "hausnummer", "adresse", "anschrift", "wohnort", "=ort", "=rue", "commune", "=calle",
                  "direccion", "domicilio", "localidad", "municipio", "indirizzo", "=via", "citta",
                  "comune", "localita", "morada", "endereco", "=rua", "cidade", "concelho", "localidade",
                  "freguesia", "=adres", "straat", "woonplaats", "plaats", "gemeente", "huisnummer",
                  "=stad", "house number"),
                 ("region", "state", "province", "place", "district", "county", "bundesland", "provinz",
                  "departement", "provincia", "regione", "=estado", "distrito", "provincie", "kanton",
                  "canton")),
    "CREDIT_CARD": (("credit card", "card number", "cc number", "ccnum", "creditcard", "card no",
                     "cardnumber", "=pan", "debit card", "kreditkarte", "kartennummer", "carte bancaire",
                     "numero de carte", "tarjeta", "carta di credito", "cartao", "kaartnummer"),
                    ("card", "=cc")),
    "IBAN_CODE": (("iban",), ("bank account", "account number", "kontonummer", "rekeningnummer")),
    "US_SSN": (("ssn", "social security", "socialsecurity"), ()),
    "NATIONAL_ID": (("national id", "nationalid", "personal id", "id number", "personnummer", "=bsn",
                     "=dni", "=nif", "=nie", "codice fiscale", "=cpf", "=pesel", "=nir", "steuer id",
                     "tax id", "sozialversicherungsnummer", "ausweis", "identity number"), ()),
    "IP_ADDRESS": (("ip", "ip address", "ipv4", "ipv6", "ipaddress", "remote addr"), ()),
    "URL": (("url", "website", "homepage", "web page", "uri"), ("link", "web")),
    "US_DRIVER_LICENSE": (("driver license", "drivers license", "driving licence", "dl number",
                           "fuhrerschein"), ("license",)),
    "US_PASSPORT": (("passport", "reisepass", "passeport", "pasaporte", "passaporto", "paspoort"), ()),
    "NRP": (("nationality", "religion", "ethnicity", "citizenship", "political", "nationalitat",
             "nationalite", "nacionalidad", "nazionalita", "nacionalidade", "nationaliteit",
             "staatsangehorigkeit", "konfession"), ()),
    "DATE_OF_BIRTH": (("dob", "=birth", "birthday", "birthdate", "born", "geburtsdatum", "geburtstag",
                       "nacimiento", "naissance", "nascita", "nascimento", "geboortedatum", "=geboren"), ()),
    "ZIP_CODE": (("zip", "zipcode", "postcode", "postal", "plz", "postleitzahl", "pincode", "zip code",
                  "post code", "code postal", "=cap", "=cep", "=cp", "codigo postal", "postnummer", "=npa",
                  "eircode"), ()),
    "GENDER": (("gender", "=sex", "geschlecht", "sexe", "genre", "genero", "sesso", "sexo", "geslacht"), ()),
    "AGE": (("=age", "=alter", "=edad", "=eta", "idade", "leeftijd"), ()),
    "DATE_TIME": (("date", "timestamp", "datetime", "created at", "updated at", "time", "datum", "fecha"),
                  ("at", "dt", "day")),
}
# co-tokens that turn a generic token away from personal data: ``product_name``, ``file_name``
NOT_PERSONAL = frozenset({
    "product", "company", "file", "brand", "item", "category", "host", "domain", "table", "column",
    "business", "org", "organization", "organisation", "store", "shop", "app", "pet", "project",
    "team", "dept", "department", "user", "username", "display", "model", "sku", "service", "plan",
    "type", "vehicle", "occupation", "job", "colour", "color", "set", "firma", "empresa", "societe",
    "language", "lang", "dish", "food", "word", "tag", "label", "title", "university", "school", "course",
})
# tokens of counters, codes and keys: a name like ``order_id`` argues against phone/card readings
NOT_CONTACT = frozenset({
    "id", "sku", "order", "invoice", "product", "item", "count", "qty", "quantity", "amount",
    "price", "total", "version", "hash", "checksum", "status", "score", "ref", "reference", "serial",
    "code", "type", "cvv", "cvv2", "cvc", "expires", "expiry", "exp", "length", "size", "weight",
})
# tokens saying the place is a whole country or a code for one: not personal by itself
NOT_PLACE = frozenset({"country", "land", "pays", "pais", "paese", "code", "iso"})
KIND_HINTS = (
    ("first_name", ("first name", "given name", "firstname", "givenname", "forename", "vorname", "prenom",
                    "voornaam")),
    ("last_name", ("last name", "surname", "family name", "lastname", "familyname", "nachname", "maiden",
                   "apellido", "cognome", "sobrenome", "achternaam", "nom de famille")),
    ("address", ("address", "street", "addr", "strasse", "adresse", "direccion", "indirizzo", "morada",
                 "endereco", "straat")),
    ("city", ("city", "town", "municipality", "locality", "village", "stadt", "ville", "ciudad", "citta",
              "cidade", "woonplaats", "wohnort")),
)

# street types and prefixes in the same seven languages, and a few more (matched lower-cased,
# as whole words, or as a word's ending where marked with a leading "-": ``Hauptstraße``)
STREET_TYPES = frozenset({
    "street", "st", "avenue", "ave", "av", "road", "rd", "lane", "ln", "drive", "dr", "boulevard", "blvd",
    "court", "ct", "place", "pl", "way", "terrace", "crescent", "close", "square", "sq", "parkway", "pkwy",
    "highway", "hwy", "circle", "cir", "trail", "walk", "row", "mews", "grove", "gardens", "hill",
    "heights", "alley", "loop", "pike", "plaza", "point", "ridge", "run", "path", "park", "view",
    "straße", "strasse", "str", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer", "chaussee",
    "rue", "bd", "chemin", "allée", "impasse", "quai", "route", "cours", "passage",
    "calle", "avenida", "avda", "paseo", "camino", "carretera", "ronda", "travesía", "pasaje",
    "via", "viale", "piazza", "corso", "vicolo", "largo", "strada", "piazzale", "contrada",
    "rua", "travessa", "praça", "estrada", "alameda", "rodovia", "beco",
    "straat", "laan", "plein", "gracht", "kade", "singel", "dijk", "steeg", "hof",
    "ulica", "ul", "aleja", "plac", "osiedle",
    "gatan", "gata", "vägen", "väg", "gränd", "vej", "gade", "veien", "gate", "katu", "tie",
    "sokak", "sokağı", "sokagi", "cadde", "caddesi", "bulvar", "bulvarı", "mahallesi", "utca", "ulice",
})  # fmt: skip
STREET_ENDINGS = ("straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "straat", "laan", "plein",
                  "gracht", "gatan", "vägen", "vej", "gade", "veien", "katu", "tie")  # fmt: skip
PO_BOX = r"(p\.?\s?o\.?\s*box|postfach|boîte postale|bp|apartado|casella postale|caixa postal|postbus)"

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle", "m", "sr",
                    "sra", "srta", "sig", "sig.ra", "dott", "dott.ssa", "dhr", "mevr", "ing"})  # fmt: skip
AFFIXES = TITLES | frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "bsc", "msc", "ba", "ma", "dds",
                              "esq", "mag", "dipl", "b.eng", "m.sc", "rn", "cpa"})  # fmt: skip
# words naming a company, not a person: ``Smith & Sons Ltd``
COMPANY_MARKERS = frozenset({
    "inc", "llc", "ltd", "plc", "corp", "corporation", "co", "company", "gmbh", "ag", "kg", "ohg", "sa",
    "sarl", "sas", "srl", "spa", "bv", "nv", "ab", "as", "oy", "group", "holdings", "partners", "sons",
    "&", "and", "associates", "industries", "solutions", "services", "systems",
})  # fmt: skip
COLOURS = frozenset({
    "red", "green", "blue", "yellow", "black", "white", "brown", "grey", "gray", "orange", "pink",
    "purple", "violet", "gold", "silver", "olive", "teal", "navy", "maroon", "ivory", "amber", "coral",
    "ruby", "jade", "pearl", "hazel", "rose", "lavender", "magenta", "cyan", "indigo", "scarlet",
})  # fmt: skip
# everyday English words that are also given names: never a name alone ("Will do", "Grant access")
NAME_WORDS = frozenset({
    "will", "mark", "rose", "may", "june", "april", "august", "grant", "bill", "frank", "hope", "faith",
    "grace", "joy", "dawn", "summer", "autumn", "winter", "sky", "rich", "bob", "pat", "sue", "ray", "guy",
    "jack", "art", "page", "chase", "cash", "major", "prince", "glen", "rob", "don", "gene", "chance",
    "honey", "candy", "sunny", "misty", "storm", "river", "brook", "penny", "bunny", "buddy", "sandy",
    "harmony", "melody", "liberty", "justice", "trinity", "destiny", "charity", "patience", "mercy",
    "unique", "precious", "star", "sage", "rain", "royal", "legend", "baby", "love", "kitty", "tiny",
    "nova", "echo", "case", "see", "sale", "order", "call", "issue", "help", "care", "else", "ever",
    "even", "so", "tell", "north", "south", "east", "west",
})  # fmt: skip
# fmt: on
