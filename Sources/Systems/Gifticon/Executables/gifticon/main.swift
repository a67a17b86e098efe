import Chassis
import Gifticon

Service.main(GifticonContext.self)
