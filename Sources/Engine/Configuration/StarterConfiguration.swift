/// The `pals.yaml` that `pals init` writes: every person and organisation in it is invented and
/// marked to be replaced; it works as it is with `Examples/complaint.json`.
let starterConfiguration = """
    # pals workspace configuration.
    # EVERYTHING MARKED "INVENTED" IS A PLACEHOLDER: replace it with your organisation's details
    # before sending a real letter. `pals config check` validates this file and names every bad key.

    organisation:
      name: Example Valley NHS Trust (INVENTED - replace)
      # nameCy: …                  # the Welsh name, for Welsh letters (also ombudsman.<id>.nameCy, advocacy.nameCy)
      # addressCy: […]             # the Welsh address lines (Welsh roles: manager.roleCy, officers[].roleCy …)
      address:
        - Patient Advice and Liaison Service
        - 1 Example Road
        - Exampleton
        - EX1 1AA
      phone: 01632 960000          # an Ofcom drama number: INVENTED
      email: pals@example.org
      web: https://example.org/complaints

    manager:                       # the complaints manager: receives escalations
      name: Morgan Example (INVENTED)
      role: Complaints Manager
      email: complaints.manager@example.org

    signatory:                     # signs response letters
      name: Jordan Example (INVENTED)
      role: Chief Executive

    officers:                      # complaints officers; cases name one by id
      - id: alex
        name: Alex Example (INVENTED)
        email: alex.example@example.org
        phone: 01632 960001
      - id: sam
        name: Sam Example (INVENTED)
        email: sam.example@example.org
        phone: 01632 960003        # letters give the officer's phone: every officer needs one

    jurisdiction:
      profile: england             # england | wales | scotland | northern-ireland | northern-ireland-mchp
      # northernIrelandModelProcedureFrom: 2026-01-01  # NI complaints received from then: model procedure (or never)
      # walesListeningToPeopleFrom: 2026-04-01  # Welsh concerns received from then: the 2025 amendment (or never)

    casework:
      referencePattern: "PALS-{YYYY}-{NNNN}"

    deadlines:
      amberWorkingDays: 5          # a deadline this close is amber
      targets:                     # England's local response targets, in working days
        standard: 25
        complex: 40
        very-complex: 60
      defaultComplexity: standard
      # profiles:                  # change a profile's statutory defaults, e.g.
      #   wales:
      #     responseWorkingDays: 30
      # ruleSets:                  # numbers for complaints received from a date (earlier ones keep theirs), e.g.
      #   wales:
      #     - effectiveFrom: 2026-04-01
      #       responseWorkingDays: 30
      # keepInformedWorkingDays: 20  # remind the officer when a complainant has had no letter for this long (0: off)
      # stage2RequestMonths: 2     # Scotland / NI model procedure: months to ask for stage 2 after a stage-1 response

    reminders:
      time: "08:30"                # officers' digests and same-day reminders, working days, Europe/London

    concerns:
      targetWorkingDays: 1         # a PALS concern is resolved by the next working day (informally, no acknowledgement)
    statements:                    # statements asked of other departments (pals statement request)
      dueWorkingDays: 10
      chaseBeforeWorkingDays: 2    # a reminder this many working days before the due date
      chaseAfterWorkingDays: 3     # then a chaser every this many working days while it is overdue
    letters:
      signedBy: officer            # officer | manager signs every letter but the final response (the signatory's)
      largePrintSize: 16           # 16 | 20 | 24 pt, for complainants who need large print
      # welshFallbackToEnglish: false  # true: a Welsh letter may print the English of a text with no Welsh form
    closures: []                   # local closure days, e.g. [2026-12-29, 2026-12-30]

    advocacy:                      # independent complaints advocacy named in acknowledgements
      name: Example Advocacy Service (INVENTED - replace)
      phone: 01632 960002
      email: advocacy@example.org
      web: https://example.org/advocacy

    # wales:                       # Listening to People (Welsh concerns from jurisdiction.walesListeningToPeopleFrom)
    #   earlyResolutionWorkingDays: 10   # unconfirmed in law: set it once checked (config check warns until then)
    #   redressCap: 50000          # pounds; redressCap2011: 25000 for concerns received before
    #   llais: { phone: "…", email: "…" }  # Llais's local office, offered for advocacy
    #   confirmed: true            # you checked the 2026 day counts against the 2025 amendment regulations

    # ombudsman:                   # contact details of each ombudsman are built in; override here
    #   phso: { phone: "0345 015 4033" }

    mail:
      transport: file              # file: delivered into Outbox/ without relaying; smtp: see below
      from:
        name: Example Valley PALS (INVENTED)
        address: pals@example.org
      # replyTo: complaints@example.org
      # smtp:
      #   url: smtp://mail.example.org:587   # STARTTLS required; smtps://host:465 for implicit TLS
      #   username: pals
      #   passwordFile: /etc/pals/smtp-password
      #   caFile: /etc/ssl/certs/ca-certificates.crt
      #   lanes: 2
      retry:
        firstDelay: 300            # seconds; doubles up to maxDelay
        maxDelay: 4000
        giveUpAfter: 432000        # 5 days
      autoMailPerRecipientPerHour: 5

    """
