//! The deck's own words in each supported language.

/// Labels and sentence frames for one language.
pub struct Labels {
    pub lang_tag: &'static str,
    pub agenda: &'static str,
    pub day: &'static str,
    pub module: &'static str,
    pub objectives: &'static str,
    pub objectives_lead: &'static str,
    pub recap: &'static str,
    pub quiz: &'static str,
    pub questions: &'static str,
    /// The title slide's length, as the language writes it: one day, and
    /// more (`{n}` is the number): "1-day course", "3 jours de formation",
    /// "1-tägiger Kurs", "Curso de 3 días".
    pub days_course: [&'static str; 2],
    pub key_points: &'static str,
    pub notes_intro: &'static str,
    pub notes_close: &'static str,
    pub quiz_frame: &'static str,
    pub answer: &'static str,
    pub objective_verbs: [&'static str; 4],
    pub thanks: &'static str,
    /// "About {n} minutes."
    pub minutes: &'static str,
    /// "About a minute."
    pub one_minute: &'static str,
    pub welcome: &'static str,
    /// "Review of day {n}"
    pub review_day: &'static str,
    pub close_item: &'static str,
    pub break_: &'static str,
    pub lunch: &'static str,
    pub continued: &'static str,
    pub discussion: &'static str,
    /// Facilitator prompts for a topic without points that fits none of
    /// `topic_kinds`; `{topic}` is replaced.
    pub prompts: [&'static str; 3],
    /// Prompts for kinds of topic — concepts, risks, processes, practices —
    /// recognised by words in the topic's title, first match wins.
    pub topic_kinds: [TopicKind; 4],
    pub activity: &'static str,
    pub task: &'static str,
    pub debrief: &'static str,
    /// Activity steps; `{topics}` and `{n}` (minutes of group work) are replaced.
    /// Activity formats, taking turns module by module (a case clinic,
    /// teach-back in pairs, a scenario): steps and debrief questions.
    pub activity_steps: [[&'static str; 3]; 3],
    pub debrief_questions: [[&'static str; 3]; 3],
    /// Facilitation cues added to notes when a slide has more time than words.
    pub cues: [&'static str; 6],
    /// Notes frames; `{title}`, `{list}`, `{n}`, `{time}` are replaced.
    pub title_notes: &'static str,
    pub agenda_notes: &'static str,
    pub section_notes: &'static str,
    pub recap_notes: &'static str,
    pub quiz_notes: &'static str,
    pub activity_notes: &'static str,
    pub discussion_notes: &'static str,
    pub closing_notes: &'static str,
    pub picture_notes: &'static str,
    /// Starter notes of a slide an editor adds ({title}: its title).
    pub added_notes: &'static str,
    pub bank_notes: &'static str,
    /// A quiz question about a module's topics when it has no points.
    pub topic_quiz_frame: &'static str,
    pub true_false: [&'static str; 2],
}

/// A kind of topic and the discussion prompts that suit it.
pub struct TopicKind {
    /// Lower-case words (or word beginnings) of titles of this kind.
    pub words: &'static [&'static str],
    pub prompts: [&'static str; 3],
}

impl Labels {
    /// The discussion prompts for a topic: its kind's, else the general ones.
    pub fn prompts_for(&self, topic: &str) -> &[&'static str; 3] {
        let title = topic.to_lowercase();
        let words: Vec<&str> = title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        self.topic_kinds
            .iter()
            .find(|k| k.words.iter().any(|kw| words.iter().any(|w| w.starts_with(kw))))
            .map_or(&self.prompts, |k| &k.prompts)
    }

    /// "{n}-day course" in this language, singular or plural.
    pub fn days_course(&self, days: u8) -> String {
        let form = if days == 1 {
            self.days_course[0]
        } else {
            self.days_course[1]
        };
        form.replace("{n}", &days.to_string())
    }
}

pub fn labels(lang: &str) -> &'static Labels {
    match lang {
        "fr" => &FR,
        "de" => &DE,
        "es" => &ES,
        _ => &EN,
    }
}

static EN: Labels = Labels {
    lang_tag: "en-GB",
    agenda: "Agenda",
    day: "Day",
    module: "Module",
    objectives: "Learning objectives",
    objectives_lead: "By the end of this module you will be able to:",
    recap: "Recap",
    quiz: "Check your understanding",
    questions: "Questions?",
    days_course: ["{n}-day course", "{n}-day course"],
    key_points: "Key points",
    notes_intro: "In this part we cover",
    notes_close: "Ask the group for an example from their own work before moving on.",
    quiz_frame: "Which statement about {topic} is covered in this module?",
    answer: "Answer",
    objective_verbs: ["Explain", "Describe", "Apply", "Recognise"],
    thanks: "Thank you",
    minutes: "About {n} minutes.",
    one_minute: "About a minute.",
    welcome: "Welcome and introductions",
    review_day: "Review of day {n}",
    close_item: "Questions, evaluation and close",
    break_: "Break",
    lunch: "Lunch",
    continued: "(continued)",
    discussion: "Discussion",
    prompts: [
        "What does {topic} look like in your own work?",
        "Where have you seen {topic} go well — or badly?",
        "What is one thing you would change about {topic}?",
    ],
    topic_kinds: [
        TopicKind {
            words: &["concept", "principle", "introduc", "overview", "model", "framework", "theory", "definition", "basic", "fundamental"],
            prompts: [
                "How would you explain {topic} to a new colleague in two sentences?",
                "Which part of {topic} is most often misunderstood?",
                "Where did {topic} shape a decision you made recently?",
            ],
        },
        TopicKind {
            words: &["risk", "incident", "problem", "failure", "security", "safety", "hazard", "complian", "threat", "error", "emergenc"],
            prompts: [
                "What is the worst case of {topic} you have seen, and what limited the damage?",
                "Which early warning signs of {topic} do teams miss?",
                "What would you put in place tomorrow to handle {topic} better?",
            ],
        },
        TopicKind {
            words: &["process", "step", "procedure", "workflow", "lifecycle", "cycle", "planning", "management", "handling"],
            prompts: [
                "Walk through {topic} as your team does it today: what are the steps?",
                "Where does {topic} usually stall or get skipped?",
                "Who needs to be involved in {topic}, and when?",
            ],
        },
        TopicKind {
            words: &["tool", "practice", "technique", "method", "skill", "communicat", "feedback", "meeting", "leader", "team"],
            prompts: [
                "When did you last use {topic}? What happened?",
                "What makes {topic} hard to do well under pressure?",
                "Which one habit would improve {topic} in your team?",
            ],
        },
    ],
    activity: "Activity",
    task: "Your task",
    debrief: "Debrief",
    activity_steps: [
        [
            "In small groups, choose one of: {topics}",
            "Apply it to a real case from your work ({n} minutes)",
            "Prepare a one-minute summary for the room",
        ],
        [
            "In pairs, each of you explains one of: {topics}",
            "Your partner asks two questions and adds an example ({n} minutes)",
            "Swap roles, then note one thing you learned",
        ],
        [
            "In small groups, take a situation from work where {topics} mattered",
            "Decide what you would do first, and why ({n} minutes)",
            "Present your plan in two minutes; other groups challenge it",
        ],
    ],
    debrief_questions: [
        [
            "What did your group decide, and why?",
            "What would get in the way at work?",
            "What will you do differently from tomorrow?",
        ],
        [
            "Which explanation worked best, and why?",
            "What was hardest to put into words?",
            "Which question would you ask a colleague next week?",
        ],
        [
            "Where did the groups agree, and where not?",
            "What information did you miss to decide?",
            "What is the first step you will take back at work?",
        ],
    ],
    cues: [
        "Pause and ask the group whether this matches their experience.",
        "Invite one or two participants to share a short example.",
        "Check understanding with a quick show of hands before moving on.",
        "Link this back to the module's objectives.",
        "Note any questions you cannot answer now and return to them in the recap.",
        "Watch the time: keep the discussion focused on the points on the slide.",
    ],
    title_notes: "Welcome the group and introduce yourself. This course, {title}, covers: {list}. Explain the timetable and the housekeeping (breaks, phones, questions).",
    agenda_notes: "Walk through the day: {list}. Point out the breaks and when questions are welcome.",
    section_notes: "Introduce {title} ({time}). In this module: {list}.",
    recap_notes: "Recap {title}: ask the group to name the key point of each topic before revealing the bullets.",
    quiz_notes: "Give the group time to answer on their own, then go through the answers:",
    activity_notes: "Brief the activity (2 minutes), let the groups work ({n} minutes), then run the debrief with the questions on the right. Walk around while they work and help groups that are stuck.",
    discussion_notes: "Open a discussion on {title}. Use the prompts on the slide one at a time; collect answers on a flipchart and summarise the main themes at the end.",
    closing_notes: "Thank the group. Take the remaining questions, hand out the evaluation form and remind everyone where to find the course material.",
    picture_notes: "Use the picture to open the module: ask what participants notice and how it relates to {title}.",
    added_notes: "Present {title} in your own words, then ask the group for an example from their own work.",
    bank_notes: "Walk through this slide on {title}, one element at a time.",
    topic_quiz_frame: "Which of these is a topic of this module?",
    true_false: ["True", "False"],
};

static FR: Labels = Labels {
    lang_tag: "fr-FR",
    agenda: "Programme",
    day: "Jour",
    module: "Module",
    objectives: "Objectifs pédagogiques",
    objectives_lead: "À la fin de ce module, vous saurez :",
    recap: "Récapitulatif",
    quiz: "Vérifiez vos acquis",
    questions: "Des questions ?",
    days_course: ["{n} jour de formation", "{n} jours de formation"],
    key_points: "Points clés",
    notes_intro: "Dans cette partie, nous abordons",
    notes_close: "Demandez au groupe un exemple tiré de leur travail avant de poursuivre.",
    quiz_frame: "Quelle affirmation sur « {topic} » est traitée dans ce module ?",
    answer: "Réponse",
    objective_verbs: ["Expliquer", "Décrire", "Appliquer", "Reconnaître"],
    thanks: "Merci",
    minutes: "Environ {n} minutes.",
    one_minute: "Environ une minute.",
    welcome: "Accueil et présentations",
    review_day: "Retour sur le jour {n}",
    close_item: "Questions, évaluation et clôture",
    break_: "Pause",
    lunch: "Déjeuner",
    continued: "(suite)",
    discussion: "Discussion",
    prompts: [
        "À quoi ressemble « {topic} » dans votre travail ?",
        "Où avez-vous vu « {topic} » bien ou mal se passer ?",
        "Que changeriez-vous à « {topic} » ?",
    ],
    topic_kinds: [
        TopicKind {
            words: &["concept", "principe", "introduc", "aperçu", "modèle", "cadre", "théorie", "définition", "fondament", "bases"],
            prompts: [
                "Comment expliqueriez-vous « {topic} » à un nouveau collègue en deux phrases ?",
                "Qu'est-ce qui est le plus souvent mal compris dans « {topic} » ?",
                "Où « {topic} » a-t-il pesé dans une de vos décisions récentes ?",
            ],
        },
        TopicKind {
            words: &["risque", "incident", "problème", "défaillance", "sécurité", "danger", "conformité", "menace", "erreur", "urgence"],
            prompts: [
                "Quel est le pire cas de « {topic} » que vous ayez vu, et qu'est-ce qui a limité les dégâts ?",
                "Quels signaux précoces de « {topic} » les équipes manquent-elles ?",
                "Que mettriez-vous en place dès demain pour mieux gérer « {topic} » ?",
            ],
        },
        TopicKind {
            words: &["processus", "étape", "procédure", "flux", "cycle", "planifica", "gestion", "traitement"],
            prompts: [
                "Comment votre équipe mène-t-elle « {topic} » aujourd'hui, étape par étape ?",
                "Où « {topic} » bloque-t-il ou est-il sauté ?",
                "Qui doit intervenir dans « {topic} », et à quel moment ?",
            ],
        },
        TopicKind {
            words: &["outil", "pratique", "technique", "méthode", "compétence", "communica", "retour", "réunion", "leadership", "équipe"],
            prompts: [
                "Quand avez-vous pratiqué « {topic} » pour la dernière fois ? Que s'est-il passé ?",
                "Qu'est-ce qui rend « {topic} » difficile sous pression ?",
                "Quelle habitude améliorerait « {topic} » dans votre équipe ?",
            ],
        },
    ],
    activity: "Activité",
    task: "Votre tâche",
    debrief: "Débriefing",
    activity_steps: [
        [
            "En petits groupes, choisissez l'un des sujets : {topics}",
            "Appliquez-le à un cas réel de votre travail ({n} minutes)",
            "Préparez une synthèse d'une minute pour la salle",
        ],
        [
            "En binômes, chacun explique l'un des sujets : {topics}",
            "Votre binôme pose deux questions et ajoute un exemple ({n} minutes)",
            "Inversez les rôles, puis notez une chose apprise",
        ],
        [
            "En petits groupes, prenez une situation de travail où {topics} a compté",
            "Décidez ce que vous feriez en premier, et pourquoi ({n} minutes)",
            "Présentez votre plan en deux minutes ; les autres groupes le questionnent",
        ],
    ],
    debrief_questions: [
        [
            "Qu'a décidé votre groupe, et pourquoi ?",
            "Qu'est-ce qui pourrait bloquer au travail ?",
            "Que ferez-vous différemment dès demain ?",
        ],
        [
            "Quelle explication a le mieux fonctionné, et pourquoi ?",
            "Qu'est-ce qui a été le plus difficile à formuler ?",
            "Quelle question poseriez-vous à un collègue la semaine prochaine ?",
        ],
        [
            "Sur quoi les groupes étaient-ils d'accord, et sur quoi non ?",
            "Quelle information vous a manqué pour décider ?",
            "Quelle est la première étape que vous mènerez au travail ?",
        ],
    ],
    cues: [
        "Faites une pause et demandez au groupe si cela correspond à son expérience.",
        "Invitez un ou deux participants à partager un court exemple.",
        "Vérifiez la compréhension à main levée avant de continuer.",
        "Reliez ce point aux objectifs du module.",
        "Notez les questions sans réponse immédiate et revenez-y lors du récapitulatif.",
        "Surveillez le temps : gardez la discussion centrée sur les points de la diapositive.",
    ],
    title_notes: "Accueillez le groupe et présentez-vous. Cette formation, {title}, couvre : {list}. Expliquez le programme et l'organisation (pauses, téléphones, questions).",
    agenda_notes: "Présentez la journée : {list}. Indiquez les pauses et le moment des questions.",
    section_notes: "Présentez {title} ({time}). Dans ce module : {list}.",
    recap_notes: "Récapitulez {title} : demandez au groupe de citer le point clé de chaque sujet avant d'afficher les puces.",
    quiz_notes: "Laissez le groupe répondre seul, puis corrigez ensemble :",
    activity_notes: "Présentez l'activité (2 minutes), laissez les groupes travailler ({n} minutes), puis animez le débriefing avec les questions de droite. Circulez pendant le travail et aidez les groupes bloqués.",
    discussion_notes: "Ouvrez une discussion sur {title}. Utilisez les questions de la diapositive une par une ; notez les réponses au tableau et résumez les thèmes principaux à la fin.",
    closing_notes: "Remerciez le groupe. Répondez aux dernières questions, distribuez le formulaire d'évaluation et rappelez où trouver les supports.",
    picture_notes: "Utilisez l'image pour ouvrir le module : demandez ce que les participants remarquent et le lien avec {title}.",
    added_notes: "Présentez {title} avec vos mots, puis demandez au groupe un exemple tiré de son propre travail.",
    bank_notes: "Présentez cette diapositive sur {title}, élément par élément.",
    topic_quiz_frame: "Lequel de ces sujets fait partie de ce module ?",
    true_false: ["Vrai", "Faux"],
};

static DE: Labels = Labels {
    lang_tag: "de-DE",
    agenda: "Agenda",
    day: "Tag",
    module: "Modul",
    objectives: "Lernziele",
    objectives_lead: "Am Ende dieses Moduls können Sie:",
    recap: "Zusammenfassung",
    quiz: "Wissen prüfen",
    questions: "Fragen?",
    days_course: ["{n}-tägiger Kurs", "{n}-tägiger Kurs"],
    key_points: "Kernpunkte",
    notes_intro: "In diesem Teil behandeln wir",
    notes_close: "Bitten Sie die Gruppe um ein Beispiel aus ihrer eigenen Arbeit, bevor Sie fortfahren.",
    quiz_frame: "Welche Aussage zu „{topic}“ wird in diesem Modul behandelt?",
    answer: "Antwort",
    objective_verbs: ["erklären", "beschreiben", "anwenden", "erkennen"],
    thanks: "Vielen Dank",
    minutes: "Etwa {n} Minuten.",
    one_minute: "Etwa eine Minute.",
    welcome: "Begrüßung und Vorstellung",
    review_day: "Rückblick auf Tag {n}",
    close_item: "Fragen, Feedback und Abschluss",
    break_: "Pause",
    lunch: "Mittagspause",
    continued: "(Fortsetzung)",
    discussion: "Diskussion",
    prompts: [
        "Wie sieht „{topic}“ in Ihrer eigenen Arbeit aus?",
        "Wo haben Sie „{topic}“ gut – oder schlecht – erlebt?",
        "Was würden Sie an „{topic}“ ändern?",
    ],
    topic_kinds: [
        TopicKind {
            words: &["konzept", "grundl", "prinzip", "grundsatz", "grundsätze", "einführung", "überblick", "modell", "rahmen", "theorie", "begriff"],
            prompts: [
                "Wie würden Sie „{topic}“ einer neuen Kollegin in zwei Sätzen erklären?",
                "Was wird an „{topic}“ am häufigsten missverstanden?",
                "Wo hat „{topic}“ eine Ihrer letzten Entscheidungen geprägt?",
            ],
        },
        TopicKind {
            words: &["risiko", "risiken", "vorfall", "vorfälle", "störung", "problem", "ausfall", "sicherheit", "gefahr", "compliance", "bedrohung", "fehler", "notfall"],
            prompts: [
                "Was war der schlimmste Fall von „{topic}“, den Sie erlebt haben – und was hat den Schaden begrenzt?",
                "Welche frühen Warnzeichen für „{topic}“ übersehen Teams?",
                "Was würden Sie morgen einführen, um „{topic}“ besser zu bewältigen?",
            ],
        },
        TopicKind {
            words: &["prozess", "ablauf", "abläufe", "schritt", "verfahren", "zyklus", "lebenszyklus", "planung", "management", "steuerung"],
            prompts: [
                "Wie läuft „{topic}“ in Ihrem Team heute ab – Schritt für Schritt?",
                "Wo stockt „{topic}“ oder wird übersprungen?",
                "Wer muss bei „{topic}“ wann beteiligt sein?",
            ],
        },
        TopicKind {
            words: &["werkzeug", "tool", "praxis", "technik", "methode", "kompetenz", "kommunikation", "feedback", "besprechung", "führung", "team"],
            prompts: [
                "Wann haben Sie „{topic}“ zuletzt angewendet? Was ist passiert?",
                "Was macht „{topic}“ unter Zeitdruck schwierig?",
                "Welche eine Gewohnheit würde „{topic}“ in Ihrem Team verbessern?",
            ],
        },
    ],
    activity: "Übung",
    task: "Ihre Aufgabe",
    debrief: "Auswertung",
    activity_steps: [
        [
            "Wählen Sie in kleinen Gruppen eines der Themen: {topics}",
            "Wenden Sie es auf einen echten Fall aus Ihrer Arbeit an ({n} Minuten)",
            "Bereiten Sie eine einminütige Zusammenfassung vor",
        ],
        [
            "Erklären Sie sich paarweise je eines der Themen: {topics}",
            "Ihr Gegenüber stellt zwei Fragen und ergänzt ein Beispiel ({n} Minuten)",
            "Tauschen Sie die Rollen und notieren Sie eine neue Erkenntnis",
        ],
        [
            "Nehmen Sie in kleinen Gruppen eine Situation aus der Arbeit, in der {topics} wichtig war",
            "Entscheiden Sie, was Sie zuerst tun würden, und warum ({n} Minuten)",
            "Stellen Sie Ihren Plan in zwei Minuten vor; die anderen Gruppen hinterfragen ihn",
        ],
    ],
    debrief_questions: [
        [
            "Wofür hat sich Ihre Gruppe entschieden, und warum?",
            "Was könnte in der Praxis im Weg stehen?",
            "Was machen Sie ab morgen anders?",
        ],
        [
            "Welche Erklärung hat am besten funktioniert, und warum?",
            "Was war am schwersten in Worte zu fassen?",
            "Welche Frage würden Sie nächste Woche einer Kollegin stellen?",
        ],
        [
            "Worin waren sich die Gruppen einig, worin nicht?",
            "Welche Information hat Ihnen zur Entscheidung gefehlt?",
            "Was ist Ihr erster Schritt zurück bei der Arbeit?",
        ],
    ],
    cues: [
        "Halten Sie inne und fragen Sie, ob das der Erfahrung der Gruppe entspricht.",
        "Bitten Sie ein oder zwei Teilnehmende um ein kurzes Beispiel.",
        "Prüfen Sie das Verständnis per Handzeichen, bevor Sie weitermachen.",
        "Stellen Sie den Bezug zu den Lernzielen des Moduls her.",
        "Notieren Sie offene Fragen und greifen Sie sie in der Zusammenfassung auf.",
        "Achten Sie auf die Zeit: Halten Sie die Diskussion bei den Punkten der Folie.",
    ],
    title_notes: "Begrüßen Sie die Gruppe und stellen Sie sich vor. Dieser Kurs, {title}, behandelt: {list}. Erklären Sie den Ablauf und das Organisatorische (Pausen, Telefone, Fragen).",
    agenda_notes: "Gehen Sie den Tag durch: {list}. Weisen Sie auf die Pausen hin und darauf, wann Fragen willkommen sind.",
    section_notes: "Führen Sie in {title} ein ({time}). In diesem Modul: {list}.",
    recap_notes: "Fassen Sie {title} zusammen: Lassen Sie die Gruppe den Kernpunkt jedes Themas nennen, bevor Sie die Punkte zeigen.",
    quiz_notes: "Lassen Sie die Gruppe allein antworten und besprechen Sie dann die Lösungen:",
    activity_notes: "Erklären Sie die Übung (2 Minuten), lassen Sie die Gruppen arbeiten ({n} Minuten) und werten Sie dann mit den Fragen rechts aus. Gehen Sie herum und helfen Sie Gruppen, die feststecken.",
    discussion_notes: "Eröffnen Sie eine Diskussion zu {title}. Nutzen Sie die Fragen der Folie nacheinander; sammeln Sie Antworten am Flipchart und fassen Sie am Ende die Hauptthemen zusammen.",
    closing_notes: "Bedanken Sie sich bei der Gruppe. Beantworten Sie die letzten Fragen, verteilen Sie den Feedbackbogen und sagen Sie, wo die Unterlagen zu finden sind.",
    picture_notes: "Eröffnen Sie das Modul mit dem Bild: Fragen Sie, was den Teilnehmenden auffällt und wie es mit {title} zusammenhängt.",
    added_notes: "Stellen Sie {title} in eigenen Worten vor und bitten Sie die Gruppe um ein Beispiel aus ihrer Arbeit.",
    bank_notes: "Gehen Sie diese Folie zu {title} Element für Element durch.",
    topic_quiz_frame: "Welches dieser Themen gehört zu diesem Modul?",
    true_false: ["Richtig", "Falsch"],
};

static ES: Labels = Labels {
    lang_tag: "es-ES",
    agenda: "Agenda",
    day: "Día",
    module: "Módulo",
    objectives: "Objetivos de aprendizaje",
    objectives_lead: "Al final de este módulo podrá:",
    recap: "Resumen",
    quiz: "Compruebe lo aprendido",
    questions: "¿Preguntas?",
    days_course: ["Curso de {n} día", "Curso de {n} días"],
    key_points: "Puntos clave",
    notes_intro: "En esta parte tratamos",
    notes_close: "Pida al grupo un ejemplo de su propio trabajo antes de continuar.",
    quiz_frame: "¿Qué afirmación sobre «{topic}» se trata en este módulo?",
    answer: "Respuesta",
    objective_verbs: ["Explicar", "Describir", "Aplicar", "Reconocer"],
    thanks: "Gracias",
    minutes: "Unos {n} minutos.",
    one_minute: "Alrededor de un minuto.",
    welcome: "Bienvenida y presentaciones",
    review_day: "Repaso del día {n}",
    close_item: "Preguntas, evaluación y cierre",
    break_: "Pausa",
    lunch: "Almuerzo",
    continued: "(continuación)",
    discussion: "Debate",
    prompts: [
        "¿Cómo se ve «{topic}» en su propio trabajo?",
        "¿Dónde ha visto «{topic}» salir bien o mal?",
        "¿Qué cambiaría de «{topic}»?",
    ],
    topic_kinds: [
        TopicKind {
            words: &["concepto", "principio", "introducc", "visión", "modelo", "marco", "teoría", "definici", "fundament", "bases"],
            prompts: [
                "¿Cómo explicaría «{topic}» a un nuevo compañero en dos frases?",
                "¿Qué es lo que más se malinterpreta de «{topic}»?",
                "¿Dónde influyó «{topic}» en una decisión reciente suya?",
            ],
        },
        TopicKind {
            words: &["riesgo", "incidente", "problema", "fallo", "seguridad", "peligro", "cumplimiento", "amenaza", "error", "emergencia"],
            prompts: [
                "¿Cuál es el peor caso de «{topic}» que ha visto y qué limitó el daño?",
                "¿Qué señales tempranas de «{topic}» pasan por alto los equipos?",
                "¿Qué pondría en marcha mañana para gestionar mejor «{topic}»?",
            ],
        },
        TopicKind {
            words: &["proceso", "paso", "procedimiento", "flujo", "ciclo", "planifica", "gestión", "tratamiento"],
            prompts: [
                "¿Cómo realiza hoy su equipo «{topic}», paso a paso?",
                "¿Dónde se atasca o se omite «{topic}»?",
                "¿Quién debe participar en «{topic}» y cuándo?",
            ],
        },
        TopicKind {
            words: &["herramienta", "práctica", "técnica", "método", "habilidad", "comunicaci", "retroaliment", "reunión", "liderazgo", "equipo"],
            prompts: [
                "¿Cuándo aplicó «{topic}» por última vez? ¿Qué pasó?",
                "¿Qué hace difícil «{topic}» bajo presión?",
                "¿Qué hábito mejoraría «{topic}» en su equipo?",
            ],
        },
    ],
    activity: "Actividad",
    task: "Su tarea",
    debrief: "Puesta en común",
    activity_steps: [
        [
            "En grupos pequeños, elijan uno de estos temas: {topics}",
            "Aplíquenlo a un caso real de su trabajo ({n} minutos)",
            "Preparen un resumen de un minuto para la sala",
        ],
        [
            "En parejas, cada uno explica uno de estos temas: {topics}",
            "Su pareja hace dos preguntas y añade un ejemplo ({n} minutos)",
            "Cambien los papeles y anoten algo que hayan aprendido",
        ],
        [
            "En grupos pequeños, tomen una situación de trabajo en la que {topics} importó",
            "Decidan qué harían primero y por qué ({n} minutos)",
            "Presenten su plan en dos minutos; los demás grupos lo cuestionan",
        ],
    ],
    debrief_questions: [
        [
            "¿Qué decidió su grupo y por qué?",
            "¿Qué podría impedirlo en el trabajo?",
            "¿Qué hará diferente a partir de mañana?",
        ],
        [
            "¿Qué explicación funcionó mejor y por qué?",
            "¿Qué fue lo más difícil de expresar?",
            "¿Qué pregunta le haría a un compañero la semana que viene?",
        ],
        [
            "¿En qué coincidieron los grupos y en qué no?",
            "¿Qué información les faltó para decidir?",
            "¿Cuál es el primer paso que darán en el trabajo?",
        ],
    ],
    cues: [
        "Haga una pausa y pregunte al grupo si coincide con su experiencia.",
        "Invite a uno o dos participantes a compartir un ejemplo breve.",
        "Compruebe la comprensión a mano alzada antes de seguir.",
        "Relacione este punto con los objetivos del módulo.",
        "Anote las preguntas que no pueda responder ahora y retómelas en el resumen.",
        "Controle el tiempo: mantenga el debate centrado en los puntos de la diapositiva.",
    ],
    title_notes: "Dé la bienvenida al grupo y preséntese. Este curso, {title}, trata: {list}. Explique el horario y la organización (pausas, teléfonos, preguntas).",
    agenda_notes: "Presente el día: {list}. Señale las pausas y cuándo se pueden hacer preguntas.",
    section_notes: "Presente {title} ({time}). En este módulo: {list}.",
    recap_notes: "Resuma {title}: pida al grupo que diga el punto clave de cada tema antes de mostrar las viñetas.",
    quiz_notes: "Deje que el grupo responda por su cuenta y luego repase las respuestas:",
    activity_notes: "Explique la actividad (2 minutos), deje trabajar a los grupos ({n} minutos) y luego haga la puesta en común con las preguntas de la derecha. Circule mientras trabajan y ayude a los grupos atascados.",
    discussion_notes: "Abra un debate sobre {title}. Use las preguntas de la diapositiva de una en una; anote las respuestas en un rotafolio y resuma los temas principales al final.",
    closing_notes: "Agradezca al grupo. Responda las últimas preguntas, reparta el formulario de evaluación y recuerde dónde encontrar el material.",
    picture_notes: "Use la imagen para abrir el módulo: pregunte qué observan los participantes y cómo se relaciona con {title}.",
    added_notes: "Presente {title} con sus propias palabras y pida al grupo un ejemplo de su propio trabajo.",
    bank_notes: "Recorra esta diapositiva sobre {title}, elemento por elemento.",
    topic_quiz_frame: "¿Cuál de estos es un tema de este módulo?",
    true_false: ["Verdadero", "Falso"],
};
