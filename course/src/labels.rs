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
    pub days_course: &'static str,
    pub key_points: &'static str,
    pub notes_intro: &'static str,
    pub notes_close: &'static str,
    pub quiz_frame: &'static str,
    pub answer: &'static str,
    pub objective_verbs: [&'static str; 4],
    pub thanks: &'static str,
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
    days_course: "day course",
    key_points: "Key points",
    notes_intro: "In this part we cover",
    notes_close: "Ask the group for an example from their own work before moving on.",
    quiz_frame: "Which statement about {topic} is covered in this module?",
    answer: "Answer",
    objective_verbs: ["Explain", "Describe", "Apply", "Recognise"],
    thanks: "Thank you",
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
    days_course: "jour(s) de formation",
    key_points: "Points clés",
    notes_intro: "Dans cette partie, nous abordons",
    notes_close: "Demandez au groupe un exemple tiré de leur travail avant de poursuivre.",
    quiz_frame: "Quelle affirmation sur « {topic} » est traitée dans ce module ?",
    answer: "Réponse",
    objective_verbs: ["Expliquer", "Décrire", "Appliquer", "Reconnaître"],
    thanks: "Merci",
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
    days_course: "tägiger Kurs",
    key_points: "Kernpunkte",
    notes_intro: "In diesem Teil behandeln wir",
    notes_close: "Bitten Sie die Gruppe um ein Beispiel aus ihrer eigenen Arbeit, bevor Sie fortfahren.",
    quiz_frame: "Welche Aussage zu „{topic}“ wird in diesem Modul behandelt?",
    answer: "Antwort",
    objective_verbs: ["erklären", "beschreiben", "anwenden", "erkennen"],
    thanks: "Vielen Dank",
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
    days_course: "día(s) de curso",
    key_points: "Puntos clave",
    notes_intro: "En esta parte tratamos",
    notes_close: "Pida al grupo un ejemplo de su propio trabajo antes de continuar.",
    quiz_frame: "¿Qué afirmación sobre «{topic}» se trata en este módulo?",
    answer: "Respuesta",
    objective_verbs: ["Explicar", "Describir", "Aplicar", "Reconocer"],
    thanks: "Gracias",
};
